"""Scale benchmark of k8snet-convert over synthetic GitOps repositories (issue 6); see README.md."""
