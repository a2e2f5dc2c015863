"""SQS worker function: greeting requests with partial batch failures (handler ``worker.lambda_handler``)."""
