"""Rules of kustomize and of the conversion's decisions and limits (convert only)."""

from __future__ import annotations

from .rule import _CHECK, _CONVERT, _INPUT, ERR, INFO, WARN, Rule, _rule

RULES: tuple[Rule, ...] = (
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
)
