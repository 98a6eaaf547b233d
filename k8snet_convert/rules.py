"""The catalogue of finding rules: every rule id the tool emits, with its default severity and help.

SARIF's ``tool.driver.rules``, the documentation's rule table and ``lint`` (which rules it reports)
all read this one table, so a rule is described in exactly one place. ``tests/test_rules.py`` fails
when the code emits a rule id that is not catalogued here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .findings import Severity


class Stage(StrEnum):
    """When a rule fires.

    ``input``: reading a file (it cannot be read at all); ``check``: a property of the manifests,
    reported by both ``lint`` and ``convert``; ``convert``: a decision or limit of one conversion
    (what was moved, dropped or added), which ``lint`` does not report because nothing is converted.
    """

    INPUT = "input"
    CHECK = "check"
    CONVERT = "convert"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity  # the usual severity; a few rules vary it per case (the message says why)
    stage: Stage
    summary: str  # one line, no final period
    help: str  # what it means and what to do

    @property
    def linted(self) -> bool:
        return self.stage is not Stage.CONVERT


def _rule(rule_id: str, severity: Severity, stage: Stage, summary: str, help_text: str) -> Rule:
    return Rule(rule_id, severity, stage, summary, " ".join(help_text.split()))


ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
_INPUT, _CHECK, _CONVERT = Stage.INPUT, Stage.CHECK, Stage.CONVERT

_RULES: tuple[Rule, ...] = (
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
    # -- the Multus annotation --------------------------------------------------------------------
    _rule(
        "invalid-annotation",
        ERR,
        _CHECK,
        "The Multus networks annotation does not parse as Multus parses it",
        """The value of k8s.v1.cni.cncf.io/networks (or v1.multus-cni.io/default-network) is rejected by
        Multus, or accepted but can never work (an element with an empty name, [null]). The pod would
        fail to start. Check the value with `k8snet-convert parse-annotation VALUE`.""",
    ),
    _rule(
        "ignored-by-multus",
        WARN,
        _CHECK,
        "A selection element has a key that Multus silently ignores",
        """Multus drops unknown keys of a network selection element: misspellings (defaultRoute instead
        of default-route), ipam-claim-reference (the NAD client knows it, Multus does not), and
        interfaceRequest when interface is also given. The key has no effect today; it is carried over
        unchanged. Check the spelling.""",
    ),
    _rule(
        "nad-not-found",
        INFO,
        _CHECK,
        "A referenced NetworkAttachmentDefinition is not among the inputs",
        """A workload (or a PodNetwork's parametersRefs) uses a NAD that none of the input files define.
        That is normal when the NAD lives elsewhere; convert it too, or make sure it exists in the
        cluster, since its PodNetwork must be created from it.""",
    ),
    # -- NetworkAttachmentDefinitions -------------------------------------------------------------
    _rule(
        "invalid-cni-json",
        ERR,
        _CHECK,
        "A NetworkAttachmentDefinition's spec.config is not a valid CNI config",
        """spec.config must be a JSON object with either 'type' (one plugin) or 'plugins' (a chain).
        Multus fails to load the network, and every pod that uses it fails to start. The reported line
        and column point inside the JSON.""",
    ),
    _rule(
        "config-name-mismatch",
        WARN,
        _CHECK,
        "The CNI config's name differs from the NAD's name",
        """Plugins, IPAM and Multus's caches see the config's "name", while network-status and events
        show the NAD's namespace/name. The multi-net spec strongly recommends that they match.""",
    ),
    _rule(
        "unknown-cni-version",
        WARN,
        _CHECK,
        "The cniVersion is not one that libcni knows",
        """libcni knows 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0 and 1.1.0. Plugins refuse configs with
        other versions.""",
    ),
    _rule(
        "config-less-nad",
        INFO,
        _CHECK,
        "A NetworkAttachmentDefinition has no spec.config",
        """Multus then reads the CNI config from a file on each node (/etc/cni/multus/net.d) whose
        "name" equals the NAD's name. The manifests alone do not say what the network is.""",
    ),
    _rule(
        "device-resources",
        WARN,
        _CHECK,
        "A NetworkAttachmentDefinition requests a device resource",
        """The k8s.v1.cni.cncf.io/resourceName annotation ties the network to a device plugin resource
        (SR-IOV VFs). Clusters often rely on the network-resources-injector webhook, keyed on the pod
        annotation, to add the device requests to pods; without the annotation it no longer does.
        Run convert with --inject-resources to write the requests into the containers explicitly, or with
        --devices dra to move the devices to DRA claims while the networks stay Multus.""",
    ),
    # -- pod networks (both dialects) -------------------------------------------------------------
    _rule(
        "duplicate-interface",
        ERR,
        _CHECK,
        "Two networks of one pod use the same interface name",
        """Multus fails the pod at ADD when an interface name is taken (implicit net<k> names count: the
        k-th network gets net<k> whatever the others are called); native implementations must reject it
        too. Give each network its own interface name.""",
    ),
    _rule(
        "invalid-interface-name",
        ERR,
        _CHECK,
        "An interface name is not a valid Linux interface name",
        """Interface names are 1-15 bytes, not '.' or '..', without '/', ':' or whitespace (libcni's
        ValidateInterfaceName, applied at ADD).""",
    ),
    _rule(
        "duplicate-network",
        ERR,
        _CHECK,
        "A pod attaches to the same network twice",
        """Multus allows it (two attachments), but KEP-3698 allows one reference per PodNetwork, so it
        has no native form. Attach the network once, or define two NADs/PodNetworks.""",
    ),
    _rule(
        "multiple-default-routes",
        ERR,
        _CHECK,
        "More than one network claims the default route of one address family",
        """Each address family has one default gateway. Multus refuses ECMP default routes, and a native
        pod may flag at most one network per family (isDefaultGW4/isDefaultGW6, or isDefaultGW for both).
        Keep the default route on one network per family.""",
    ),
    _rule(
        "host-network",
        ERR,
        _CHECK,
        "A pod with hostNetwork: true has networks",
        """Multus ignores the networks of host-network pods, and KEP-3698 forbids spec.networks with
        hostNetwork. Drop the networks or hostNetwork.""",
    ),
    _rule(
        "networks-exist",
        ERR,
        _CHECK,
        "A pod has both the Multus annotation and spec.networks",
        """Two sources of truth for one pod's networks. k8snet-convert does not merge them; remove one by
        hand.""",
    ),
    _rule(
        "invalid-podnetwork-name",
        ERR,
        _CHECK,
        "A network name cannot be a PodNetwork name",
        """PodNetwork names are DNS subdomains. Either the name template gives an invalid name for a NAD,
        or a JSON-form element names 'namespace/name' in its name field, which Multus looks up literally
        and fails on. Give the namespace separately, or use a --name-template that yields valid names.""",
    ),
    _rule(
        "podnetwork-name-collision",
        ERR,
        _CHECK,
        "Two NADs in different namespaces map to one PodNetwork name",
        """PodNetwork is cluster-scoped, so NADs of the same name in two namespaces collide under the
        default name template {name}. An error when their configs differ, a warning when they are
        identical (pods of one namespace would be served by the other's NAD). Use
        --name-template '{namespace}.{name}', which can be inverted.""",
    ),
    # -- native manifests (lint) ------------------------------------------------------------------
    _rule(
        "network-and-attachment",
        ERR,
        _CHECK,
        "A spec.networks entry names both a PodNetwork and a PodNetworkAttachment",
        """An entry references either a PodNetwork (podNetworkName / name) or a PodNetworkAttachment
        (podNetworkAttachmentName / attachmentName), never both. Keep one.""",
    ),
    _rule(
        "invalid-network-entry",
        ERR,
        _CHECK,
        "A spec.networks entry is malformed",
        """spec.networks must be a list of mappings, each naming exactly one PodNetwork or
        PodNetworkAttachment with string values, in one spelling (podNetworkName and name are two
        spellings of one field).""",
    ),
    _rule(
        "invalid-suppression",
        WARN,
        _CHECK,
        "A suppression comment names an unknown rule",
        """`# k8snet-convert: ignore[rule-id]` names rules from the catalogue; a misspelt id would
        suppress nothing. Check the id against docs/reports.md.""",
    ),
    _rule(
        "unknown-entry-key",
        WARN,
        _CHECK,
        "A spec.networks entry has a key no KEP-3698 revision defines",
        """The entry holds keys beyond the network/attachment name, interfaceName and the default-gateway
        flags of either revision. Multus cannot say them, so converting to Multus drops them. Check the
        spelling against the profile's keys.""",
    ),
    _rule(
        "attachment-params-unused",
        WARN,
        _CHECK,
        "The attachment-params annotation is set on a pod without spec.networks",
        """k8snet-convert.io/attachment-params carries per-attachment parameters keyed by interface name,
        but the pod has no spec.networks for them to belong to. Remove the annotation, or add the
        networks.""",
    ),
    # -- DRA manifests ----------------------------------------------------------------------------
    _rule(
        "dra-allocation",
        ERR,
        _CHECK,
        "A CNI DRA request does not take exactly one device",
        """One request of the CNI DRA driver is one interface: allocationMode ExactCount with count 1.
        Add requests for more interfaces.""",
    ),
    _rule(
        "dra-duplicate-config",
        ERR,
        _CHECK,
        "A DRA request has two CNI driver configs",
        """The CNI DRA driver takes exactly one opaque config per request. Keep one.""",
    ),
    _rule(
        "dra-invalid-parameters",
        ERR,
        _CHECK,
        "The CNI DRA driver's parameters are malformed",
        """The opaque parameters must be an object with the driver's fields (ifName, config...). The
        message names the field.""",
    ),
    _rule(
        "dra-invalid-provenance",
        ERR,
        _CHECK,
        "The recorded Multus origin of a DRA object is malformed",
        """k8snet-convert records, on the objects it writes, the NAD and selection element they came from,
        so --to multus can restore them. This record does not parse; the object is left as it is.""",
    ),
    _rule(
        "dra-parameters-too-large",
        ERR,
        _CHECK,
        "The DRA parameters exceed the API server's size limit",
        """The API server accepts at most 10 KiB of opaque parameters per config. Shrink the embedded
        CNI config.""",
    ),
    _rule(
        "dra-request-shape",
        ERR,
        _CHECK,
        "A DRA request has the shape of another resource.k8s.io version",
        """resource.k8s.io/v1beta1 puts deviceClassName on the request itself; v1 and v1beta2 put it
        under 'exactly'. Use the shape of the apiVersion the object declares.""",
    ),
    _rule(
        "dra-unknown-parameters-version",
        WARN,
        _CHECK,
        "The CNI DRA parameters have an unknown apiVersion",
        """The driver is not known to read parameters of this apiVersion; check it against the driver's
        documentation.""",
    ),
    _rule(
        "dra-unknown-request",
        ERR,
        _CHECK,
        "A DRA config names a request the claim does not have",
        """config[].requests must name requests of the same claim; the driver would never apply this
        config.""",
    ),
    _rule(
        "dra-claim-not-found",
        INFO,
        _CHECK,
        "A pod claims a ResourceClaimTemplate or ResourceClaim that is not in the file",
        """The pod's spec.resourceClaims entry names a template or claim the file does not hold, so the
        devices it allocates, and any network interface they add (their ifName against the pod's other
        interfaces), are not checked. Normal when the claim lives elsewhere; keep network templates next
        to the workloads that use them to have them checked.""",
    ),
    _rule(
        "dra-no-device-class",
        WARN,
        _CHECK,
        "A CNI DRA request names no DeviceClass",
        """A request allocates its device from a DeviceClass (deviceClassName, under exactly: in v1 and
        v1beta2); without one the API server rejects the claim or the scheduler finds no device. Name a
        DeviceClass that selects the CNI driver's devices (device.driver ==
        "cni.dra.networking.x-k8s.io").""",
    ),
    _rule(
        "dra-status-interface-mismatch",
        WARN,
        _CHECK,
        "A claim's status reports another interface name than its parameters ask for",
        """status.devices[].networkData.interfaceName, written by the driver when it configured the
        device, differs from the ifName of the claim's CNI parameters: the claim was edited after
        allocation, or the status is stale. Check the running pod; manifests in version control should
        not carry status at all.""",
    ),
    # -- kustomize ----------------------------------------------------------------------------------
    _rule(
        "kustomize-patch-unsupported",
        ERR,
        _CHECK,
        "A JSON 6902 patch on the Multus annotation cannot be rewritten",
        """The patch operation touches the networks annotation in a way that has no spec.networks
        equivalent (the message says which operation and why). Rewrite it by hand.""",
    ),
    _rule(
        "kustomize-patch-review",
        WARN,
        _CONVERT,
        "A rewritten JSON 6902 patch makes an assumption worth reviewing",
        """The patch was rewritten into operations on spec.networks, but kustomize applies it only if the
        target has the shape the message names (e.g. spec.networks already present). Check the
        rendered output.""",
    ),
    _rule(
        "kustomize-unit-blocked",
        ERR,
        _CONVERT,
        "A file of a kustomization is not converted because another file of it cannot be",
        """A base and the overlays that build on it are converted together or not at all: converting
        some of their files would render half-migrated objects (the Multus annotation from the base and
        spec.networks from an overlay's patch). The message names the file that blocked the rest and its
        finding; fix that one and convert again.""",
    ),
    _rule(
        "kustomize-namespace-template",
        ERR,
        _CONVERT,
        "A name template with {namespace} cannot follow the namespace a kustomization sets",
        """With a --name-template that contains {namespace}, a PodNetwork's name (and every pod's reference
        to it) holds the namespace its NAD or pod was converted in. An overlay whose namespace: moves
        those objects elsewhere would render a PodNetwork named after the old namespace next to NADs in
        the new one, and two overlays would write one cluster-wide PodNetwork with two meanings. kustomize
        cannot rename a PodNetwork for its namespace, so the conversion is refused. Use --name-template
        '{name}' (PodNetwork names must then be unique across namespaces), or give the overlays NADs of
        their own.""",
    ),
    _rule(
        "kustomize-namespace-config",
        INFO,
        _CONVERT,
        "A kustomize namespace transformer configuration was added for PodNetworks",
        """kustomize treats the unknown kind PodNetwork as namespaced and does not know that
        spec.parametersRefs[].namespace is a namespace. The configuration keeps PodNetworks
        cluster-scoped and makes their NAD references follow the kustomization's namespace.""",
    ),
    _rule(
        "kustomize-config-exists",
        WARN,
        _CONVERT,
        "k8snet-convert's kustomize configuration file exists with other content",
        """It is neither overwritten nor added to the kustomization. Rename or remove the file, then
        convert again.""",
    ),
    # -- conversion decisions (convert only) ------------------------------------------------------
    _rule(
        "cluster-wide-network",
        INFO,
        _CONVERT,
        "A cluster-scoped PodNetwork is added for a namespaced NAD",
        """PodNetwork is cluster-scoped: a NAD that only its own namespace could use becomes usable from
        every namespace. Restrict who may attach with admission policy if that matters.""",
    ),
    _rule(
        "attachment-params-moved",
        INFO,
        _CONVERT,
        "Per-attachment parameters were moved into a carrier",
        """ips, mac, bandwidth, portMappings, cni-args, gateway IPs and the like have no PodNetwork field.
        They were moved into a PodNetworkAttachment and ConfigMap (--attachment-params configmap) or the
        k8snet-convert.io/attachment-params annotation (--attachment-params annotation), losslessly.""",
    ),
    _rule(
        "attachment-params-dropped",
        WARN,
        _CONVERT,
        "A per-attachment parameter was dropped",
        """With --attachment-params drop, parameters that have no native field are not carried. Use
        --attachment-params configmap (the default) to keep them.""",
    ),
    _rule(
        "attachment-params-in-patch",
        ERR,
        _CONVERT,
        "A kustomize patch file would need new objects",
        """A patch cannot create the PodNetworkAttachment and ConfigMap that --attachment-params configmap
        writes. Use --attachment-params annotation for patch files.""",
    ),
    _rule(
        "gateway-split",
        ERR,
        _CONVERT,
        "IPv4 and IPv6 default routes belong to different networks under kep-3698-rev2",
        """The last KEP revision has one isDefaultGW flag for both families and cannot say that IPv4 and
        IPv6 default routes go through different networks. Use --profile kep-3698
        (isDefaultGW4/isDefaultGW6).""",
    ),
    _rule(
        "would-convert",
        ERR,
        _CONVERT,
        "check: a file still uses Multus-era networking",
        """`k8snet-convert check` (and the pre-commit hook) found a file that converting to native
        multi-networking would change: a NetworkAttachmentDefinition without its PodNetwork, or a
        workload with the k8s.v1.cni.cncf.io/networks annotation. The finding points at the first such
        construct of the file. Run the fix command shown, or the k8snet-convert-fix hook. To keep one
        construct as it is, put the suppression comment on its line: check then passes it (and
        reports the file at its next construct, if any).""",
    ),
    _rule(
        "flag-ignored",
        WARN,
        _CONVERT,
        "An option does nothing for the chosen target",
        """An option given on the command line or in the project configuration acts for other targets
        only (--drop-nads, --device-class, --emit-device-class and --dra-api-version for --to dra;
        --annotation-style for --to multus; the native objects' options such as --profile, --provider
        and --name-template for --to native and --to multus), so this run ignores it. Remove it, or
        check that --to is the target you meant.""",
    ),
    _rule(
        "schema-violation",
        ERR,
        _CHECK,
        "validate: an object does not match its JSON Schema",
        """`k8snet-convert validate` checked a PodNetwork, PodNetworkAttachment,
        NetworkAttachmentDefinition, DRA object, selection.json or pod spec.networks entry against
        schemas/ and found a value the API would refuse or misread. The finding points at the value;
        the message names the field and the constraint. A PodNetwork is checked against its own KEP
        revision (the revision of the pod entries that name it, else --profile): the last revision
        requires a domain-prefixed provider such as k8s.cni.cncf.io/multus.""",
    ),
    _rule(
        "no-manifests",
        WARN,
        _INPUT,
        "No manifest was found in an input",
        """The run read no file: the folder is empty, holds no .yaml, .yml or .json file, or every file
        in it is hidden, excluded (--exclude, the configuration's exclude) or ignored by git. Check
        the path for a typo; --no-gitignore includes the files git ignores.""",
    ),
    _rule(
        "not-multus-provider",
        ERR,
        _CHECK,
        "A PodNetwork is served by a provider other than Multus",
        """spec.provider is neither k8s.cni.cncf.io/multus nor the configured --provider, so the network is
        implemented by something else and has no Multus form: `convert --to multus` keeps it and reports
        an error. lint reports it as info: the manifest is valid native, and its parametersRefs are that
        provider's business.""",
    ),
    _rule(
        "no-nad-reference",
        ERR,
        _CHECK,
        "A Multus-served PodNetwork does not reference exactly one NAD",
        """Its parametersRefs name no NetworkAttachmentDefinition (or several), so Multus has no single
        CNI config for it: `convert --to multus` keeps it and reports an error. lint reports it as a
        warning. The cluster's 'default' PodNetwork is exempt.""",
    ),
    _rule(
        "no-multus-form",
        ERR,
        _CONVERT,
        "--to multus: a pod network entry has no Multus form",
        """The entry attaches the cluster default network as a secondary network, or a PodNetwork that is
        not backed by exactly one NAD of a Multus provider. Keep the workload native, or back the network
        with a NAD.""",
    ),
    _rule(
        "uninvertible-name",
        ERR,
        _CONVERT,
        "--to multus: a PodNetwork name cannot be mapped back to one NAD",
        """The PodNetwork is not in the file, and inverting the name template gives no NAD, or more than one
        ({namespace}-{name} is ambiguous). Convert the PodNetworks together with the workloads, or use an
        invertible template such as {namespace}.{name}.""",
    ),
    _rule(
        "attachment-not-found",
        ERR,
        _CONVERT,
        "--to multus: a PodNetworkAttachment or its ConfigMap is not in the file",
        """Its network and parameters cannot be restored. Each file is converted on its own: keep the
        attachment and its ConfigMap next to the workload.""",
    ),
    _rule(
        "unknown-attachment-carrier",
        ERR,
        _CONVERT,
        "--to multus: a PodNetworkAttachment's parameters cannot be read",
        """Only a ConfigMap with a selection.json key carries Multus parameters; this attachment names
        another kind, several ConfigMaps, or a ConfigMap without the key.""",
    ),
    _rule(
        "invalid-attachment-params",
        ERR,
        _CONVERT,
        "--to multus: carried attachment parameters are malformed",
        """The k8snet-convert.io/attachment-params annotation or a selection.json does not hold a valid
        Multus selection element (the message says what is wrong).""",
    ),
    _rule(
        "carrier-mismatch",
        WARN,
        _CONVERT,
        "--to multus: carried parameters do not match spec.networks",
        """The attachment-params annotation has parameters for an interface no entry has, sets what
        spec.networks already says, or carries parameters for the default network, which Multus cannot
        say. They are dropped or ignored, as the message says.""",
    ),
    _rule(
        "default-network-interface",
        WARN,
        _CONVERT,
        "--to multus: the default network's interface name is dropped",
        """Under Multus the cluster default network is always eth0; another interfaceName on the default
        entry has no Multus form.""",
    ),
    _rule(
        "gateway-family",
        WARN,
        _CONVERT,
        "--to multus: default-gateway flags and carried default-route disagree",
        """The isDefaultGW flags and the gateways kept in the carrier (or the NAD's address families for
        default-route: []) claim different address families; the message says which one wins.""",
    ),
    _rule(
        "gateway-unowned",
        WARN,
        _CONVERT,
        "--to multus: no network holds an address family's default gateway",
        """In Multus the primary network keeps the default route of every family no attachment claims.""",
    ),
    _rule(
        "podnetwork-not-found",
        WARN,
        _CONVERT,
        "A PodNetwork is not among the inputs; its NAD is guessed",
        """The PodNetwork a pod names is in no input file (nor in the configuration's inventory paths), so
        its NAD is found by inverting the name template, assuming the pod's namespace: the output may mean
        another network than the input. Give the PodNetwork's file in the same run, or list its folder
        under inventory: in the project configuration.""",
    ),
    _rule(
        "default-podnetwork-dropped",
        INFO,
        _CONVERT,
        "--to multus: the 'default' PodNetwork is removed",
        """The cluster's default network is configured on the nodes under Multus and has no object form.""",
    ),
    _rule(
        "podnetwork-disabled",
        WARN,
        _CONVERT,
        "--to multus: a disabled PodNetwork becomes an always-usable NAD",
        """Multus has no spec.enabled switch: pods that use the NAD will attach to it. Remove the network
        from the pods that must not use it.""",
    ),
    _rule(
        "podnetwork-fields-dropped",
        WARN,
        _CONVERT,
        "--to multus: a removed PodNetwork had fields Multus cannot hold",
        """The PodNetwork is removed (its NAD is its Multus form) but it carried fields beyond name,
        enabled, provider and parametersRefs. Move what matters onto the NetworkAttachmentDefinition.""",
    ),
    _rule(
        "carrier-kept",
        WARN,
        _CONVERT,
        "--to multus: a PodNetworkAttachment is kept",
        """It is used by no workload in the file, or it has content k8snet-convert never writes, so it
        cannot be folded back into the annotation. Convert it together with its workloads.""",
    ),
    _rule(
        "primary-role-network",
        WARN,
        _CHECK,
        'A NAD with "role": "primary": the primary network of its namespace, which KEP-3698 cannot say',
        """OVN-Kubernetes user-defined networks marked "role": "primary" replace the cluster's default
        network for the pods of their namespace. KEP-3698 has no per-namespace primary network: the
        PodNetwork made from the NAD is cluster-wide and pods that name it get it as one more network. Keep
        the network on OVN-Kubernetes' UserDefinedNetwork API, or make pods name it as their primary
        network (v1.multus-cni.io/default-network) before converting.""",
    ),
    _rule(
        "dra-bond-order",
        WARN,
        _CONVERT,
        "--to dra: a bond of links in the container loses the order Multus attaches them in",
        """A bond CNI config with "linksInContainer": true bonds interfaces the pod already has: Multus
        attaches the member networks first, in the annotation's order. The CNI DRA driver prepares claims
        in no order, so the bond may find no links. Keep such workloads on Multus or native, or build the
        bond from host links.""",
    ),
    _rule(
        "short-form-impossible",
        ERR,
        _CONVERT,
        "--annotation-style short cannot express a network selection",
        """Only name, namespace and interface fit the short form (and only DNS-label names). Use
        --annotation-style auto: the short form where it is lossless, JSON otherwise.""",
    ),
    _rule(
        "roundtrip-mismatch",
        ERR,
        _CONVERT,
        "--verify-roundtrip: the converted file does not convert back",
        """Converting the result back did not give a file semantically equal to the input, so nothing was
        written. Please report it with the input file.""",
    ),
    _rule(
        "roundtrip-unsupported",
        INFO,
        _CONVERT,
        "--verify-roundtrip: this target has no reverse check",
        """The round trip is checked for --to native and --to multus.""",
    ),
    _rule(
        "dra-nad-not-found",
        ERR,
        _CONVERT,
        "--to dra: a used NAD is not among the inputs",
        """A ResourceClaimTemplate embeds the NAD's CNI config, so the NAD must be among the inputs.
        Convert the whole repository in one run, with the files that hold the NADs.""",
    ),
    _rule(
        "dra-nad-conflict",
        ERR,
        _CONVERT,
        "--to dra: the inputs define one NAD differently in several files",
        """Which CNI config a claim embeds would depend on which files are in the run. Keep one
        definition of the NetworkAttachmentDefinition.""",
    ),
    _rule(
        "dra-config-less-nad",
        ERR,
        _CONVERT,
        "--to dra: a NAD without spec.config cannot be embedded",
        """Its CNI config lives on the nodes; put it into the NAD's spec.config first.""",
    ),
    _rule(
        "dra-default-network",
        ERR,
        _CONVERT,
        "--to dra: v1.multus-cni.io/default-network has no DRA form",
        """DRA claims only add interfaces; they cannot replace the pod's primary network. Convert the
        workload with --to native, or remove the annotation.""",
    ),
    _rule(
        "dra-device-selection",
        WARN,
        _CONVERT,
        "--to dra: a NAD's device resource is not selected by the DeviceClass",
        """The NAD requests a device plugin resource, but a claim gets its device from the DeviceClass,
        which selects any device of the CNI driver. Select the device in the DeviceClass (a CEL
        selector).""",
    ),
    _rule(
        "dra-params-embedded",
        INFO,
        _CONVERT,
        "--to dra: a per-attachment parameter was written into the CNI config",
        """Claims have no per-attachment fields; parameters such as ips or mac are written into the
        embedded CNI config (e.g. a static IPAM block) where the plugin reads them.""",
    ),
    _rule(
        "dra-param-dropped",
        WARN,
        _CONVERT,
        "--to dra: a per-attachment parameter has no place and was dropped",
        """The CNI DRA driver has no runtime-config channel for it. Set it in the NAD's CNI config if the
        pod needs it.""",
    ),
    _rule(
        "dra-config-name-added",
        INFO,
        _CONVERT,
        "--to dra: the embedded CNI config gets the NAD's name",
        """The NAD's config has no name; Multus adds the NAD's name at run time, and the claims' configs
        get it written in.""",
    ),
    _rule(
        "dra-template-name-collision",
        ERR,
        _CONVERT,
        "--to dra: a ResourceClaimTemplate name is taken",
        """The template would be written twice for different networks or parameters. Rename the existing
        ResourceClaimTemplate.""",
    ),
    _rule(
        "resource-claim-exists",
        ERR,
        _CONVERT,
        "--to dra: the pod already has a resource claim of that name",
        """k8snet-convert will not merge claims; rename the existing spec.resourceClaims entry.""",
    ),
    _rule(
        "device-class-emitted",
        INFO,
        _CONVERT,
        "--to dra: a DeviceClass was written",
        """With --emit-device-class each converted file may carry the same cluster-scoped DeviceClass;
        keep one copy where files are applied together (kustomize rejects duplicates).""",
    ),
    _rule(
        "nad-dropped",
        INFO,
        _CONVERT,
        "--to dra --drop-nads: a NAD was removed",
        """Claims embed its config. Pods and VMs outside the inputs that still name it lose their network,
        and --to multus cannot bring it back: keep the NAD files in version control.""",
    ),
    _rule(
        "nad-kept",
        WARN,
        _CONVERT,
        "--to dra --drop-nads: a NAD is kept",
        """Something in the file still needs it (a KubeVirt VM attaches through NADs only).""",
    ),
    _rule(
        "dra-claim-unused",
        INFO,
        _CONVERT,
        "--to multus: a DRA claim or template is kept",
        """No workload in the file uses it. Convert it together with the workloads that claim it.""",
    ),
    _rule(
        "dra-config-differs",
        WARN,
        _CONVERT,
        "--to multus: a claim's CNI config differs from its NAD's",
        """Under Multus the NAD's config applies. Copy the claim's config into the NAD's spec.config if it
        is the one you want.""",
    ),
    _rule(
        "dra-mixed-claim",
        WARN,
        _CONVERT,
        "--to multus: a claim also requests devices of other drivers",
        """It is left as it is. Split the network requests into a claim of their own.""",
    ),
    _rule(
        "dra-unknown-network",
        WARN,
        _CONVERT,
        "--to multus: a DRA claim was not written by k8snet-convert",
        """No NetworkAttachmentDefinition is known for its CNI config, so it is left as it is.""",
    ),
    _rule(
        "resources-injected",
        INFO,
        _CONVERT,
        "Device requests were written into a container",
        """With --inject-resources, the requests the network-resources-injector webhook would have added
        (one per attachment to a NAD with a resourceName) are written into the first container.""",
    ),
    # -- --devices: the SR-IOV devices of Multus networks ------------------------------------------
    _rule(
        "devices-claimed",
        INFO,
        _CONVERT,
        "--devices dra: a workload's device requests became DRA claims",
        """The containers' requests of an extended resource that a NAD names as its resourceName (or, when
        the pod made none, the one device per attachment the network-resources-injector adds to the first
        container) became a claim of a ResourceClaimTemplate for the SR-IOV DRA driver. The networks
        annotation and the NADs stay: Multus matches each allocated device to its NAD.""",
    ),
    _rule(
        "devices-cluster-needs",
        INFO,
        _CONVERT,
        "--devices: what the cluster needs for a NAD's resource to come from DRA",
        """The SR-IOV DRA driver must publish k8s.cni.cncf.io/resourceName (equal to the NAD's resourceName)
        and k8s.cni.cncf.io/deviceID on the devices of the pool, Multus must run with its DRA integration,
        and with --devices dra the network-resources-injector must stop adding the resource to pods.""",
    ),
    _rule(
        "devices-other-plugin",
        INFO,
        _CONVERT,
        "--devices: a NAD's resource belongs to another device plugin",
        """A bridge or OVS marker of KubeVirt's network plugins, the macvtap-cni or the AF_XDP device plugin:
        no SR-IOV DRA driver publishes it, so the pods keep requesting it from that plugin.""",
    ),
    _rule(
        "devices-resource-unknown",
        INFO,
        _CONVERT,
        "--devices dra: a requested extended resource is named by no NAD",
        """Only the resources that a NetworkAttachmentDefinition of the run names as its resourceName move to
        DRA; any other (a GPU, a NAD outside the inputs) is left as it is. Convert together with the NAD, or
        list its folder under inventory in the project configuration.""",
    ),
    _rule(
        "devices-count-unknown",
        WARN,
        _CONVERT,
        "--devices: how many devices a container or pod asks for cannot be told or claimed",
        """The amount is not a whole number (a template expression, a quantity with a unit), requests and
        limits differ, it is more than the 32 devices one claim can hold, the pod's networks annotation
        does not parse, its NAD is defined with different resourceNames in two files, or a container
        already requests the resource next to the claim that would give it back. It is left as it is.""",
    ),
    _rule(
        "devices-nad-unknown",
        INFO,
        _CONVERT,
        "--devices dra: a pod's NAD is not among the inputs",
        """Its resourceName is unknown, so whether the network-resources-injector would add a device request
        for it cannot be told. Convert together with the NAD.""",
    ),
    _rule(
        "devices-claims-exist",
        WARN,
        _CONVERT,
        "--devices dra: a pod without device requests already has resource claims",
        """Those claims may hold the devices of its networks already, so no claim is added. Add the network
        devices to the pod's claims by hand, or remove the claims and convert again.""",
    ),
    _rule(
        "devices-template-name-taken",
        WARN,
        _CONVERT,
        "--devices dra: the ResourceClaimTemplate name is held by another object",
        """Another ResourceClaimTemplate has the name the device claim's template gets; the requests stay as
        they are. Rename the existing template.""",
    ),
    _rule(
        "devices-in-patch",
        WARN,
        _CONVERT,
        "--devices dra: device requests in a kustomize patch stay",
        """A patch cannot create the ResourceClaimTemplate its claims would need. Convert the base the patch
        applies to.""",
    ),
    _rule(
        "devices-class-written",
        INFO,
        _CONVERT,
        "--devices dra-extended: a DeviceClass maps an extended resource to DRA",
        """Written once per run, beside the first NAD that names the resource. Pods keep their requests; the
        scheduler turns them into claims (feature gate DRAExtendedResource). Files applied together must keep
        one copy.""",
    ),
    _rule(
        "devices-restored",
        INFO,
        _CONVERT,
        "--devices device-plugin: claims went back to extended-resource requests",
        """Claims of the templates --devices dra wrote became requests and limits of the resource again (none
        where the network-resources-injector had added them).""",
    ),
    _rule(
        "devices-template-kept",
        INFO,
        _CONVERT,
        "--devices device-plugin: a ResourceClaimTemplate of --devices dra is kept",
        """No workload in its file claims it (workloads of other files may). Delete it once nothing claims
        it.""",
    ),
    _rule(
        "devices-class-removed",
        INFO,
        _CONVERT,
        "--devices device-plugin: the DeviceClass of --devices dra-extended was removed",
        """The device plugin serves the requests of the resource again.""",
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}


def get(rule_id: str) -> Rule:
    """The catalogued rule, or a neutral description for an id that is not (yet) catalogued.

    Reports must never crash on a rule id; the catalogue test is what keeps the table complete.
    """
    found = RULES.get(rule_id)
    if found is not None:
        return found
    return Rule(rule_id, Severity.WARNING, Stage.CHECK, rule_id, "See the message of the finding.")


def markdown_table() -> str:
    """The catalogue as the table in docs/reports.md (regenerate it from here, never by hand)."""
    lines = ["| rule | default severity | stage | what it means |", "|---|---|---|---|"]
    for rule in sorted(RULES.values(), key=lambda r: (list(Stage).index(r.stage), r.id)):
        text = f"**{rule.summary}.** {rule.help}".replace("|", "\\|")
        lines.append(f"| `{rule.id}` | {rule.severity.value} | {rule.stage.value} | {text} |")
    return "\n".join(lines) + "\n"
