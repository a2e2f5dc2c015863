"""Deploying with Terraform and the CDK CLI, offline when the machine has a provider mirror: the mirror and the CLI
configuration (:mod:`.mirror`), running ``terraform`` (:mod:`.terraform`), a project's local workspace
(:mod:`.workspace`), and ``cdktf-lambda local up | down`` (:mod:`.local`) with ``status | logs | fire | env``
(:mod:`.status`)."""
