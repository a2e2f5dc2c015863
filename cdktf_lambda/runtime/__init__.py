"""Running one function as Lambda does, from its built artifacts: on its own runtime (:mod:`.runner`: CPython of its
version in Lambda's layout (:mod:`.sandbox`), AWS's runtime client (:mod:`.client`) against a local Runtime API
(:mod:`.api`)), or on the host fallback (:mod:`.host`, :mod:`.bootstrap`). :mod:`.selection` decides which, for
``cdktf-lambda invoke`` and the local cloud alike. Plain Python, no jsii; nothing here knows of stacks, moto or
Terraform."""
