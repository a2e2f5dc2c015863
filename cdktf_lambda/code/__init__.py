"""Constructs that turn source into deployable code: :class:`~cdktf_lambda.LambdaPythonPackage` (one directory, one
zip), :class:`~cdktf_lambda.RuntimeCodeModules` (the seed's module: every function and its shared runtime modules as
layers), :class:`~cdktf_lambda.DependencyLayer` (a lock file's packages as a layer), :class:`~cdktf_lambda.S3Artifacts`
(zips stored on S3), and :class:`~cdktf_lambda.PackageInfo` / :class:`~cdktf_lambda.LayerInfo`, the values that travel
from them to a function. The work itself is plain Python in :mod:`cdktf_lambda.packaging`."""
