"""Run the API locally against DynamoDB Local.

    PROFILES_DYNAMODB_ENDPOINT=http://localhost:8000 python -m app.local_dev
"""
import uvicorn
from fastapi.middleware.cors import CORSMiddleware

from app.main import app

DEV_ORIGINS = [
    "http://localhost:3000",
    "http://127.0.0.1:3000",
    "https://app.example.com",
]

app.add_middleware(
    CORSMiddleware,
    allow_origins=DEV_ORIGINS,
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

# tracebacks in the browser while developing (and wherever this module is imported)
app.debug = True

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=8080)
