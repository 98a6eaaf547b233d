"""The catalogue of finding rules: every rule id the tool emits, with its default severity and help.

SARIF's ``tool.driver.rules``, the documentation's rule table and ``lint`` (which rules it reports)
all read this one table, so a rule is described in exactly one place. ``tests/test_rules.py`` fails
when the code emits a rule id that is not catalogued here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .model import Severity


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
        "The converted text did not parse back; the file is left untouched",
        """A bug in k8snet-convert: before writing, every result is parsed again, and this one failed.
        Nothing was written. Please report it with the input file.""",
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
        "templated-file",
        INFO,
        _CHECK,
        "A Helm template was skipped",
        """Files in a chart's templates/ folder, or files with template syntax ({{ ... }}) that is not
        YAML, are not manifests yet. They are never converted. Run k8snet-convert on the output of
        `helm template` instead.""",
    ),
    _rule(
        "templated-value",
        WARN,
        _CHECK,
        "A chart's values file sets a Multus annotation",
        """The chart renders the annotation into workloads, so converting the values file alone would not
        migrate them. Change the chart's templates and values by hand, then check the output of
        `helm template` with `k8snet-convert check`.""",
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
        "kubevirt-reference",
        INFO,
        _CHECK,
        "A KubeVirt VM references a NetworkAttachmentDefinition",
        """KubeVirt attaches VMs to NADs through spec.networks[].multus.networkName and has no native
        multi-network form yet. The reference is left as it is, and it counts as a use of the NAD, which
        must therefore stay.""",
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
        Run convert with --inject-resources to write the requests into the containers explicitly.""",
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
        "podnetwork-without-nad",
        WARN,
        _CHECK,
        "A PodNetwork references no NetworkAttachmentDefinition",
        """Its parametersRefs name no NAD, so Multus has no CNI config for it and it has no Multus form:
        `convert --to multus` keeps it and reports an error. The cluster's 'default' PodNetwork is
        exempt.""",
    ),
    _rule(
        "non-multus-provider",
        INFO,
        _CHECK,
        "A PodNetwork is served by a provider other than Multus",
        """spec.provider is not k8s.cni.cncf.io/multus (or is missing), so the network is implemented by
        something else; its parametersRefs are that provider's business and are not checked.""",
    ),
    _rule(
        "invalid-suppression",
        WARN,
        _CHECK,
        "A suppression comment names an unknown rule",
        """`# k8snet-convert: ignore[rule-id]` names rules from the catalogue; a misspelt id would
        suppress nothing. Check the id against docs/reports.md.""",
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
        "resources-injected",
        INFO,
        _CONVERT,
        "Device requests were written into a container",
        """With --inject-resources, the requests the network-resources-injector webhook would have added
        (one per attachment to a NAD with a resourceName) are written into the first container.""",
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
