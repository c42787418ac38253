"""Runs one knowledge-page code block (app.py defining a FastAPI `app`) under uvicorn on 127.0.0.1:<port>.

Test-only stand-ins, installed before the block is imported: Mangum (not used locally) and pydantic-settings
(run_example.py's) when missing, and
boto3 pointed at the local DynamoDB (dynalite) in DYNAMO_ENDPOINT, since the Debian boto3 predates the
AWS_ENDPOINT_URL_* variables. Usage: run_block.py <block dir> <port>
"""
import os
import sys


def local_dynamodb(endpoint):
    import boto3

    real_resource, real_client = boto3.resource, boto3.client

    def resource(name, *args, **kwargs):
        if name == "dynamodb":
            kwargs.setdefault("endpoint_url", endpoint)
        return real_resource(name, *args, **kwargs)

    def client(name, *args, **kwargs):
        if name == "dynamodb":
            kwargs.setdefault("endpoint_url", endpoint)
        return real_client(name, *args, **kwargs)

    boto3.resource, boto3.client = resource, client


def main():
    block_dir, port = sys.argv[1], int(sys.argv[2])
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from run_example import install_stand_ins

    install_stand_ins()
    local_dynamodb(os.environ["DYNAMO_ENDPOINT"])
    sys.path.insert(0, block_dir)
    import uvicorn

    uvicorn.run("app:app", host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
