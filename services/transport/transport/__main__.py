from transport.main import main

main()
