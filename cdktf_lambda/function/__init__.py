"""The function constructs: :class:`~cdktf_lambda.LambdaPythonFunction` (a Lambda function, its log group and its
production options), :class:`~cdktf_lambda.LambdaFastapiServer` (the seed's component) and
:class:`~cdktf_lambda.ExecutionRole` (the role it runs as, least privilege). The option groups live beside them:
:mod:`.options` (validation), :mod:`.resources` (alias, async config, recursion guard), :mod:`.permissions` (what
the configuration needs from the role), :mod:`.layers`, :mod:`.outputs`."""
