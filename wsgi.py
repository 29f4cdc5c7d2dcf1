from onboarding import create_app

app = create_app()
