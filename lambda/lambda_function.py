"""AWS Lambda entry point (handler `lambda_function.lambda_handler`).

Everything is built once at cold start: settings, the compiled content, the store's client and the
skill. Each invocation then only answers its request. When `SKILL_ID` is unset (the template always
sets it) one warning is logged, here at cold start, not on every request.
"""

from runner_strength.alexa.skill import build_lambda_entry

lambda_handler = build_lambda_entry()
