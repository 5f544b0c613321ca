print("kvcli")
