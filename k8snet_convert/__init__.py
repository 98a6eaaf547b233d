"""k8snet-convert: migrate Kubernetes manifests between Multus and native multi-networking."""

__version__ = "0.1.0"
