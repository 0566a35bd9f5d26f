"""AWS Lambda entry point (handler `lambda_function.lambda_handler`).

Everything is built once at cold start: settings, the compiled content, the store's client and the
skill. Each invocation then only answers its request.
"""

from runner_strength.alexa.skill import LambdaEntry, build_default_skill

lambda_handler = LambdaEntry(build_default_skill())
