def main() -> None:
    print("goldspan")
