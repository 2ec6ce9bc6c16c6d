"""Create the PostgreSQL database named in a URL when it does not exist yet (used by `make bench`)."""

import sys

import dj_database_url
import psycopg
from psycopg import sql


def main(url: str):
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit(f"make bench measures PostgreSQL; {url} is not a PostgreSQL URL")
    params = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "user": config["USER"] or "postgres",
              "password": config["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"created database {config['NAME']}")


if __name__ == "__main__":
    main(sys.argv[1])
