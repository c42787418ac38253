"""Runtime configuration for the profiles service.

Values are read from the Lambda function's environment variables. CORS
origins must be listed explicitly; there is no wildcard default.
"""
import os

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PROFILES_", env_file=".env")

    table_name: str = "profiles"
    aws_region: str = "eu-west-1"
    dynamodb_endpoint: str | None = None
    cors_origins: list[str] = ["https://app.example.com"]
    log_level: str = "INFO"


settings = Settings()

# Comma-separated allowlist for the raw Lambda proxy handlers.
ALLOWED_ORIGINS = os.getenv("ALLOWED_ORIGINS", "https://app.example.com").split(",")
