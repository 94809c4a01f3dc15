"""HTTP front end: FastAPI routers over the domain services."""
