"""Scheduled function: nightly retention plan (handler ``cron_server.lambda_handler``)."""
