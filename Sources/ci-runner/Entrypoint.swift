import CICommands

@main
struct Entrypoint {
    static func main() async {
        await CIRunner.main()
    }
}
