"""Rules of reading files, and of the objects and namespaces in them."""

from __future__ import annotations

from .rule import _CHECK, _CONVERT, _INPUT, ERR, INFO, WARN, Rule, _rule

RULES: tuple[Rule, ...] = (
    # -- reading files ----------------------------------------------------------------------------
    _rule(
        "invalid-yaml",
        ERR,
        _INPUT,
        "The file is not valid YAML or JSON",
        """The file does not parse, so nothing in it is checked or converted and it is left untouched.
        Fix the syntax error at the reported line and column.""",
    ),
    _rule(
        "invalid-encoding",
        ERR,
        _INPUT,
        "The file is not UTF-8 (or UTF-16/32 with a byte order mark)",
        """Kubernetes manifests are UTF-8. The file holds bytes that do not decode, or NUL characters
        (a binary file). Save it as UTF-8.""",
    ),
    _rule(
        "unreadable-file",
        ERR,
        _INPUT,
        "The file cannot be read",
        """The operating system refused to read the file (permissions, a broken link). Nothing in it is
        checked.""",
    ),
    _rule(
        "unreadable-folder",
        ERR,
        _INPUT,
        "A folder cannot be read",
        """The operating system refused to list the folder (permissions), or it was removed during the
        run. The files in it are not read; the rest of the run goes on.""",
    ),
    _rule(
        "invalid-input",
        ERR,
        _INPUT,
        "The input cannot be converted",
        """A generic input error; the message says what is wrong. The file is left untouched.""",
    ),
    _rule(
        "internal-error",
        ERR,
        _CONVERT,
        "k8snet-convert failed on this file; the file is left untouched",
        """A bug in k8snet-convert, met on this file: an unexpected error while converting it (the hint
        says where the crash report is), or a converted text that did not parse back (before writing,
        printing or diffing, every result is parsed again; `--check` shows no converted text and skips
        this parse). Nothing was written to the file, the other files were converted, and the run
        exits with 4. Please report it with the input file.""",
    ),
    _rule(
        "duplicate-key",
        ERR,
        _CHECK,
        "A key appears twice in one mapping",
        """The API server rejects such objects (strict decoding) or keeps only the last value, so what is
        applied differs from what is read. Remove one of the keys.""",
    ),
    _rule(
        "merge-key",
        ERR,
        _CHECK,
        "A YAML merge key (<<) is not converted",
        """Kubernetes' decoder applies merge keys, so `annotations: {<<: *common}` or
        `metadata: {<<: *meta}` can give an object its networks annotation, its namespace or its pod
        template. Converting through a merge key would edit a mapping that other objects share, so a
        file that holds one is refused whole, never passed silently. Write the merged keys out in each
        object, then convert.""",
    ),
    _rule(
        "templated-file",
        WARN,
        _CHECK,
        "A template of another engine holds Multus-era networking",
        """Jinja (`{% %}`, `{{ name }}`, .j2 files), envsubst (`${VAR}`), kube-burner and other Go
        templates outside a chart's templates/ folder, where template syntax decides what would be
        converted (the YAML does not parse as it is, or an expression stands in a NAD, a workload's name,
        a Multus annotation or a pod's networks). The file is left untouched; `check` fails on it. Convert
        what it renders, or the template by hand, or suppress with
        `# k8snet-convert: ignore[templated-file]`. Template syntax elsewhere (an image tag) is data: such
        files are converted.""",
    ),
    _rule(
        "templated-value",
        WARN,
        _CHECK,
        "A values file or a Flux HelmRelease sets a Multus annotation",
        """A chart's values (values*.yaml, files matched by --values-files, a HelmRelease's spec.values)
        set k8s.v1.cni.cncf.io/networks (often under podAnnotations). The chart renders it into pods, so
        only the chart can migrate it: the message says what its pods need natively. Convert the chart's
        templates, give them the networks as values of their own, and remove the annotation from the
        values. `check` fails on it.""",
    ),
    _rule(
        "helm-dynamic-networks",
        ERR,
        _CHECK,
        "A chart template's networks get their structure from template actions",
        """The Multus annotation (or spec.networks) of a chart template is one action's output
        (`{{ toJson .Values.networks }}`), holds `{{- range }}` / `{{- if }}` lines, or is JSON that only
        rendering completes: it has no literal form to convert in place, and the template is left
        untouched. Write the networks as a literal list with actions only inside names, interfaces and
        values (`"name": "{{ .Values.n3.name }}"`), or write spec.networks by hand.""",
    ),
    _rule(
        "helm-templated-config",
        INFO,
        _CHECK,
        "A NAD template's CNI config is built by template actions",
        """The config only becomes JSON once Helm renders it, so it is not checked here (the NAD itself
        is kept as it is; --to native does not need its config). Lint the rendered chart to check it.""",
    ),
    _rule(
        "helm-template-unparsed",
        WARN,
        _CHECK,
        "A chart template that holds Multus-era networking cannot be read",
        """Even with its template actions masked the file is not YAML (or an action is never closed), so
        it is left untouched; `check` fails on it. Convert it by hand, then check the rendered chart.""",
    ),
    _rule(
        "helm-helper-networks",
        WARN,
        _CHECK,
        "A chart helper holds Multus-era networking",
        """Helpers (_helpers.tpl and other files of templates/ that are not YAML) are named templates
        that YAML templates include; they are never converted. `check` fails on one that holds a NAD or
        a Multus annotation: move the networks into the YAML templates, or convert the helper by hand.""",
    ),
    _rule(
        "helm-template-unsupported",
        ERR,
        _CONVERT,
        "A chart template's conversion cannot be written back as a template",
        """The conversion would cut a template action, copy an action of another template, take a hash
        over template values (a generated name), or put the new spec.networks under a condition it cannot
        repeat (an else branch). The template is left untouched; the message says which.""",
    ),
    _rule(
        "helm-proof-failed",
        ERR,
        _CONVERT,
        "--verify-helm: the converted chart renders differently from the converted rendering",
        """With --verify-helm, Helm's own engine renders the chart before and after the conversion (with
        its default values): converting the original rendering must give what the converted chart
        renders, and both must render. The message names the template and the first difference; the
        chart's files are left untouched.""",
    ),
    _rule(
        "too-large",
        ERR,
        _INPUT,
        "The file is too large or too deeply nested to be read",
        """A file over --max-file-size (default 16 MiB) is not read beyond the limit, whatever it holds,
        and documents nested or expanded by aliases beyond what the parser handles safely are not read
        either; the file is left untouched. Raise --max-file-size if the file really is a manifest, or
        exclude it.""",
    ),
    _rule(
        "not-a-file",
        ERR,
        _INPUT,
        "A FIFO, socket or device is not read",
        """A named pipe, socket or device file (named, met in a folder, or reached through a link named
        on the command line) is never opened: reading it could block forever or never end. Name the
        regular file it stands for, or exclude it.""",
    ),
    _rule(
        "too-deep",
        ERR,
        _INPUT,
        "A document is nested too deeply to be processed",
        """The file is left untouched. Real manifests are never nested this deeply; check that the file
        is what it seems.""",
    ),
    _rule(
        "symlink-skipped",
        INFO,
        _INPUT,
        "A symbolic link was not followed",
        """Folders are walked without following symbolic links, so nothing is read twice or outside the
        tree. Name the link's target to convert it.""",
    ),
    _rule(
        "hard-link",
        ERR,
        _CONVERT,
        "A file with other hard links is not rewritten",
        """Writes replace a file by a new one (a temporary file renamed over it), which would cut the
        file off from its other hard links: they would keep the old content. Writing into the file
        itself would not be atomic. So the file is left as it is. Convert a copy, or break the link
        (`cp FILE FILE.new && mv FILE.new FILE`), then run again.""",
    ),
    _rule(
        "write-failed",
        ERR,
        _CONVERT,
        "A converted file could not be written",
        """The atomic write (temporary file, flush, rename) failed; the file on disk is unchanged. Check
        the folder's permissions and free space, then run again.""",
    ),
    # -- objects and namespaces -------------------------------------------------------------------
    _rule(
        "default-namespace",
        INFO,
        _CHECK,
        "An object names no namespace; 'default' is assumed",
        """Network references without a namespace resolve against the pod's namespace, and NADs are
        namespaced. Without metadata.namespace, --namespace or a kustomization namespace, the object is
        taken to be in 'default'. Set the namespace when that is wrong.""",
    ),
    _rule(
        "unknown-workload-kind",
        WARN,
        _CHECK,
        "An unknown kind carries a Multus annotation at a pod-template path",
        """k8snet-convert knows the pod templates of the built-in workloads, Argo Rollouts and OpenShift
        DeploymentConfigs. This kind carries the networks annotation where a pod template would be, but
        it is not converted. Convert the rendered pods, or ask for the kind to be added.""",
    ),
    _rule(
        "shared-template",
        ERR,
        _CONVERT,
        "Two workloads share a pod template through a YAML alias",
        """A YAML anchor and alias (template: &tpl ... template: *tpl) make two objects hold one pod
        template, or one annotations or networks node. Converting it edits text that both objects read,
        and converting each would write its networks twice. The file is left as it is. Write the template
        out in each object, then convert.""",
    ),
    _rule(
        "kubevirt-reference",
        INFO,
        _CHECK,
        "A KubeVirt VM references a NetworkAttachmentDefinition",
        """KubeVirt attaches VMs to NADs through spec.networks[].multus.networkName and has no native
        multi-network form yet. The reference is left as it is, and it counts as a use of the NAD, which
        must therefore stay.""",
    ),
    _rule(
        "downward-api-annotation",
        WARN,
        _CHECK,
        "A container reads a Multus annotation through the downward API",
        """An env var or a downwardAPI volume reads metadata.annotations['k8s.v1.cni.cncf.io/networks']
        (or the default-network or network-status annotation, or all of metadata.annotations). Converting
        the pod away from Multus removes the first two and Multus stops writing the others, so the reader
        gets an empty value. Read the pod's networks from its status, or from what the network driver
        writes, before converting.""",
    ),
    _rule(
        "multi-network-policy",
        WARN,
        _CHECK,
        "A MultiNetworkPolicy names NADs (k8s.v1.cni.cncf.io/policy-for)",
        """MultiNetworkPolicy implementations find the interfaces to filter through the Multus
        network-status of pods attached to the NADs named in policy-for. Pods converted away from Multus
        have none, so the policy stops applying to them. The policy has no native form: write it again for
        the implementation that replaces Multus, or keep the pods it protects on Multus.""",
    ),
    _rule(
        "service-network",
        WARN,
        _CHECK,
        "A Service names a NAD (k8s.v1.cni.cncf.io/service-network)",
        """The Multus service abstraction builds the Service's endpoints from the interfaces pods have on
        that NAD. Pods converted away from Multus have no Multus attachment, so the Service loses its
        endpoints. Provide them by other means, or keep its pods on Multus.""",
    ),
    _rule(
        "network-status",
        INFO,
        _CHECK,
        "A Multus status annotation is in a manifest",
        """k8s.v1.cni.cncf.io/network-status (and the old networks-status) is written by Multus at run
        time. In a manifest it is stale data; it is left as it is. Remove it from manifests.""",
    ),
)
