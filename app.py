from newsroom import create_app

app = create_app()
