"""Rules of --devices: the SR-IOV devices of Multus networks."""

from __future__ import annotations

from .rule import _CONVERT, INFO, WARN, Rule, _rule

RULES: tuple[Rule, ...] = (
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
