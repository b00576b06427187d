from medical.main import main

main()
