from svodka.cli import app

app()
