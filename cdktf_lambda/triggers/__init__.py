"""What invokes a function: :class:`~cdktf_lambda.HttpApi` (API Gateway v2), :class:`~cdktf_lambda.FunctionUrl`,
:class:`~cdktf_lambda.QueueWorker` (SQS with a dead-letter queue) and :class:`~cdktf_lambda.Schedule` (an EventBridge
rule, or an EventBridge Scheduler schedule in a time zone: :mod:`.eventbridge_scheduler`)."""
