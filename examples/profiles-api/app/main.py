import logging

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from mangum import Mangum

from app.admin import admin_app
from app.routes import orders, profiles, session
from app.settings import settings

logging.getLogger().setLevel(settings.log_level)

app = FastAPI(title="Profiles API")

app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

app.include_router(profiles.router)
app.include_router(profiles.me_router)
app.include_router(orders.router)
app.include_router(orders.public)
app.include_router(session.router)
app.mount("/admin", admin_app)


@app.get("/health")
def health():
    return {"status": "ok"}


handler = Mangum(app)
