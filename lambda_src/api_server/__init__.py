"""HTTP API function: FastAPI app served through Mangum (handler ``api_server.lambda_handler``)."""
