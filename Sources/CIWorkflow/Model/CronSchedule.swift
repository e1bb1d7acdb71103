/// A POSIX cron expression of a `schedule` trigger: minute, hour, day of month, month, day of week.
///
/// GitHub accepts `*`, `,`, `-` and `/`, month names `JAN`–`DEC` and day names `SUN`–`SAT`; it
/// does not accept `@daily`-style shorthands.
public struct CronSchedule: Sendable, Hashable {
    /// The expression as written.
    public var expression: String
    /// Minutes, 0–59.
    public var minutes: [Int]
    /// Hours, 0–23.
    public var hours: [Int]
    /// Days of the month, 1–31.
    public var daysOfMonth: [Int]
    /// Months, 1–12.
    public var months: [Int]
    /// Days of the week, 0 (Sunday)–6.
    public var daysOfWeek: [Int]
    /// Whether the day-of-month field was restricted (not `*`); cron then matches either day field.
    public var restrictsDayOfMonth: Bool
    /// Whether the day-of-week field was restricted (not `*`).
    public var restrictsDayOfWeek: Bool

    /// Why an expression is not valid.
    public struct Problem: Error, Sendable, Hashable {
        /// What is wrong, naming the field.
        public var message: String
    }

    private struct Field {
        let name: String
        let range: ClosedRange<Int>
        let names: [String]
    }

    private static let fields = [
        Field(name: "minute", range: 0...59, names: []),
        Field(name: "hour", range: 0...23, names: []),
        Field(name: "day-of-month", range: 1...31, names: []),
        Field(name: "month", range: 1...12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]),
        Field(name: "day-of-week", range: 0...6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
    ]

    /// Parses a cron expression.
    public static func parse(_ expression: String) -> Result<CronSchedule, Problem> {
        if expression.hasPrefix("@") {
            return .failure(
                Problem(message: "GitHub does not support shorthands such as '\(expression)'; write the five fields, such as '0 0 * * *'"))
        }
        let parts = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 else {
            return .failure(
                Problem(
                    message:
                        "it has \(parts.count) field\(parts.count == 1 ? "" : "s"); cron needs 5: minute hour day-of-month month day-of-week"
                ))
        }
        var values: [[Int]] = []
        for (part, field) in zip(parts, fields) {
            switch parseField(part, field) {
            case .success(let set): values.append(set)
            case .failure(let problem): return .failure(problem)
            }
        }
        return .success(
            CronSchedule(
                expression: expression, minutes: values[0], hours: values[1], daysOfMonth: values[2], months: values[3],
                daysOfWeek: values[4], restrictsDayOfMonth: parts[2] != "*", restrictsDayOfWeek: parts[4] != "*"))
    }

    private static func parseField(_ text: String, _ field: Field) -> Result<[Int], Problem> {
        var set = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            func fail(_ why: String) -> Result<[Int], Problem> {
                .failure(Problem(message: "the \(field.name) field '\(text)' \(why)"))
            }
            let stepParts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard stepParts.count <= 2, !item.isEmpty else { return fail("is not valid") }
            var step = 1
            if stepParts.count == 2 {
                guard let value = Int(stepParts[1]), value > 0 else { return fail("has a step that is not a positive number") }
                step = value
            }
            let base = stepParts[0]
            var lower: Int
            var upper: Int
            if base == "*" {
                lower = field.range.lowerBound
                upper = field.range.upperBound
            } else {
                let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2, let low = value(String(bounds[0]), field) else {
                    return fail("has '\(base)', which is not a number in \(field.range.lowerBound)-\(field.range.upperBound)")
                }
                lower = low
                upper = low
                if bounds.count == 2 {
                    guard let high = value(String(bounds[1]), field) else {
                        return fail("has '\(bounds[1])', which is not a number in \(field.range.lowerBound)-\(field.range.upperBound)")
                    }
                    guard high >= low else { return fail("has the range '\(base)', which runs backwards") }
                    upper = high
                } else if stepParts.count == 2 {
                    upper = field.range.upperBound
                }
            }
            var current = lower
            while current <= upper {
                set.insert(current)
                current += step
            }
        }
        return .success(set.sorted())
    }

    private static func value(_ text: String, _ field: Field) -> Int? {
        if let number = Int(text) { return field.range.contains(number) ? number : nil }
        if let index = field.names.firstIndex(of: text.uppercased()) { return field.range.lowerBound + index }
        return nil
    }

    /// A warning when the schedule asks for runs more often than every 5 minutes, which GitHub does not do.
    public var frequencyWarning: String? {
        guard minutes.count > 1 else { return nil }
        var gaps = zip(minutes.dropFirst(), minutes).map { $0 - $1 }
        if hours.count > 1, let first = minutes.first, let last = minutes.last { gaps.append(60 - last + first) }
        guard let smallest = gaps.min(), smallest < 5 else { return nil }
        return
            "'\(expression)' asks for runs \(smallest) minute\(smallest == 1 ? "" : "s") apart; GitHub runs scheduled workflows at most once every 5 minutes"
    }

    /// Whether the schedule fires at the given minute (all values in UTC or the schedule's time zone).
    public func matches(minute: Int, hour: Int, dayOfMonth: Int, month: Int, dayOfWeek: Int) -> Bool {
        guard minutes.contains(minute), hours.contains(hour), months.contains(month) else { return false }
        let domMatch = daysOfMonth.contains(dayOfMonth)
        let dowMatch = daysOfWeek.contains(dayOfWeek)
        if restrictsDayOfMonth && restrictsDayOfWeek { return domMatch || dowMatch }
        return domMatch && dowMatch
    }
}
