from tourism.main import main

main()
