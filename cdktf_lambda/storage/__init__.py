"""Data the functions keep: :class:`~cdktf_lambda.DynamoTable` (a DynamoDB table with safe defaults)."""
