"""Rules of the networks themselves: the Multus annotation, NADs, pod networks in every dialect."""

from __future__ import annotations

from .rule import _CHECK, ERR, INFO, WARN, Rule, _rule

RULES: tuple[Rule, ...] = (
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
)
