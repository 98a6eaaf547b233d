"""Every option of a run, as one frozen value (flags over project configuration over defaults)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Target(StrEnum):
    NATIVE = "native"
    MULTUS = "multus"
    DRA = "dra"


class Profile(StrEnum):
    KEP_3698 = "kep-3698"
    KEP_3698_REV2 = "kep-3698-rev2"


class AttachmentParams(StrEnum):
    CONFIGMAP = "configmap"
    ANNOTATION = "annotation"
    DROP = "drop"


class AnnotationStyle(StrEnum):
    AUTO = "auto"
    SHORT = "short"
    JSON = "json"


class OutputMode(StrEnum):
    """One enum drives where results go (black's WriteBack)."""

    STDOUT = "stdout"
    WRITE = "write"
    DIFF = "diff"
    CHECK = "check"
    CHECK_DIFF = "check-diff"  # --check --diff: print the diff, and exit 1 when anything would change
    OUTPUT_DIR = "output-dir"

    @property
    def checks(self) -> bool:
        """Whether a file that would change is a finding (``would-convert``) and fails the run."""
        return self in (OutputMode.CHECK, OutputMode.CHECK_DIFF)

    @property
    def diffs(self) -> bool:
        return self in (OutputMode.DIFF, OutputMode.CHECK_DIFF)


class DraApiVersion(StrEnum):
    V1 = "v1"
    V1BETA1 = "v1beta1"


class Devices(StrEnum):
    """How workloads get the devices of their networks (SPEC §2: a separate axis, networking stays Multus)."""

    KEEP = "keep"  # as they are written
    DEVICE_PLUGIN = "device-plugin"  # back to extended-resource requests (undoes dra and dra-extended)
    DRA = "dra"  # ResourceClaimTemplates of the SR-IOV DRA driver, claimed by the pods
    DRA_EXTENDED = "dra-extended"  # pods keep their requests; a DeviceClass maps each resource to DRA


# Kubernetes objects stop at ~1.5 MiB (etcd's request limit); a manifest file holding many of them is
# still far below this. Larger files are refused unread (SPEC §6 "Safety").
DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024
DEFAULT_DEVICE_CLASS = "cni.networking.x-k8s.io"
# --devices dra: the DeviceClass the SR-IOV DRA driver installs (reference/native.md §3.4).
SRIOV_DEVICE_CLASS = "sriovnetwork.k8snetworkplumbingwg.io"
DEFAULT_PROVIDER = "k8s.cni.cncf.io/multus"
DEFAULT_NAME_TEMPLATE = "{name}"
DEFAULT_MULTUS_NAMESPACE = "kube-system"


@dataclass(frozen=True)
class Options:
    to: Target = Target.NATIVE
    mode: OutputMode = OutputMode.STDOUT
    output_dir: Path | None = None
    profile: Profile = Profile.KEP_3698
    api_version: str | None = None
    provider: str = DEFAULT_PROVIDER
    name_template: str = DEFAULT_NAME_TEMPLATE
    attachment_params: AttachmentParams = AttachmentParams.CONFIGMAP
    annotation_style: AnnotationStyle = AnnotationStyle.AUTO
    implicit_interfaces: bool = False
    strict: bool = False
    multus_namespace: str = DEFAULT_MULTUS_NAMESPACE
    inject_resources: bool = False
    verify_roundtrip: bool = False
    namespace: str | None = None
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True  # folder walks skip what git ignores (--no-gitignore: False)
    jobs: int | None = None
    quiet: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    # --to dra (native.md §3): the CNI DRA driver's DeviceClass, the resource.k8s.io version, and
    # whether the NADs are removed once their configs are embedded in ResourceClaimTemplates.
    device_class: str = DEFAULT_DEVICE_CLASS
    emit_device_class: bool = False
    dra_api_version: DraApiVersion = DraApiVersion.V1
    drop_nads: bool = False
    # --devices (with --to multus): where the SR-IOV devices of the NADs' resourceName come from.
    devices: Devices = Devices.KEEP
    # The fields the user set (flags or project configuration), as opposed to defaults: a normalisation
    # within one dialect happens only when asked for.
    given: frozenset[str] = frozenset()
    # The dialects converted from (``check`` looks for Multus-era networking only, plus the KEP revision
    # the configuration asks for).
    sources: tuple[str, ...] = ("multus", "native", "dra")
    # More places the run-wide inventory reads (NADs, PodNetworks, claims) without converting them:
    # the project configuration's ``inventory:`` paths, so a one-file pre-commit run resolves names the
    # repository defines elsewhere.
    inventory: tuple[str, ...] = ()
    # More files read as Helm values (beside a chart's values*.yaml): globs, as --exclude takes them.
    values_files: tuple[str, ...] = ()
    # Prove each converted chart template with Helm's own engine (the ``helm`` extra).
    verify_helm: bool = False

    def __post_init__(self) -> None:
        check_devices_target(self.devices, self.to)

    @property
    def pod_api_version(self) -> str:
        """apiVersion of emitted PodNetwork/PodNetworkAttachment objects."""
        return self.api_version or "v1"

    @property
    def devices_class(self) -> str:
        """The DeviceClass of --devices dra claims: --device-class when given, else the SR-IOV driver's
        (the CNI DRA driver's class, --device-class's default for --to dra, selects no SR-IOV device)."""
        if "device_class" in self.given or self.device_class != DEFAULT_DEVICE_CLASS:
            return self.device_class
        return SRIOV_DEVICE_CLASS


def check_devices_target(devices: Devices, to: Target) -> None:
    """Moving devices keeps the networks on Multus (the NADs and the networks annotation stay): Multus's DRA
    integration is what matches a device to a NAD, so any other target is refused (ValueError)."""
    if devices is not Devices.KEEP and to is not Target.MULTUS:
        raise ValueError(
            f"--devices {devices.value} keeps the networks on Multus (NADs and the networks annotation stay, "
            f"Multus matches each device to its NAD): it needs --to multus, not --to {to.value}"
        )
