"""What a stack sets up once: the providers (:func:`~cdktf_lambda.add_aws_provider`) and a state backend that keeps
the JSON portable (:func:`~cdktf_lambda.add_local_backend`, :func:`~cdktf_lambda.add_s3_backend`)."""
