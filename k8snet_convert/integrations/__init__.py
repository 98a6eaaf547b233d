"""Integrations: the tools a repository is built with (kustomize, Helm), each calling the engine."""
