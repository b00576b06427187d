from agri.main import main

main()
