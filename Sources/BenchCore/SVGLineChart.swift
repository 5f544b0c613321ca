import Foundation

/// A line chart drawn as inline SVG: no script, no network, so the page stays
/// self-contained and renders anywhere.
public struct SVGLineChart: Sendable {
    /// One line: its legend name and its points.
    public struct Line: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]

        /// Creates a line.
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var lines: [Line]
    /// Where the x ticks go (nil: five evenly spaced over the data).
    public var xTicks: [Double]?
    /// Labels for x ticks; default the number itself.
    public var xTickLabel: @Sendable (Double) -> String = { SVGLineChart.shortNumber($0) }

    static let width = 760.0, height = 320.0
    static let left = 70.0, right = 170.0, top = 36.0, bottom = 44.0
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                         "#7f7f7f", "#bcbd22"]

    /// Creates a chart.
    public init(title: String, xLabel: String, yLabel: String, lines: [Line]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.lines = lines
    }

    /// The `<svg>` element.
    public func render() -> String {
        let all = lines.flatMap(\.points)
        let xMax = max(all.map(\.x).max() ?? 1, 1e-9), xMin = min(all.map(\.x).min() ?? 0, xMax)
        let yMax = max((all.map(\.y).max() ?? 1) * 1.05, 1e-9)
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        func px(_ x: Double) -> Double { Self.left + (xMax > xMin ? (x - xMin) / (xMax - xMin) : 0) * plotWidth }
        func py(_ y: Double) -> Double { Self.top + plotHeight - y / yMax * plotHeight }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(Int(Self.width))\" "
            + "height=\"\(Int(Self.height))\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\">\n"
        svg += "<title>\(Self.escape(title))</title>\n"
        svg += text(Self.left, 20, title, anchor: "start", size: 15, weight: "bold")
        svg += axes(xMin: xMin, xMax: xMax, yMax: yMax, px: px, py: py)
        for (index, line) in lines.enumerated() {
            let color = Self.colors[index % Self.colors.count]
            let path = line.points.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" points=\"\(path)\"/>\n"
            let legendY = Self.top + 8 + Double(index) * 18
            svg += "<rect x=\"\(Self.width - Self.right + 12)\" y=\"\(legendY - 9)\" width=\"12\" height=\"4\" fill=\"\(color)\"/>\n"
            svg += text(Self.width - Self.right + 30, legendY, line.name, anchor: "start", size: 12)
        }
        return svg + "</svg>\n"
    }

    private func axes(xMin: Double, xMax: Double, yMax: Double, px: (Double) -> Double, py: (Double) -> Double) -> String {
        let bottomY = Self.height - Self.bottom
        var svg = "<line x1=\"\(Self.left)\" y1=\"\(bottomY)\" x2=\"\(Self.width - Self.right)\" y2=\"\(bottomY)\" stroke=\"#333\"/>\n"
        svg += "<line x1=\"\(Self.left)\" y1=\"\(Self.top)\" x2=\"\(Self.left)\" y2=\"\(bottomY)\" stroke=\"#333\"/>\n"
        for step in 0...4 {
            let y = yMax * Double(step) / 4
            svg += "<line x1=\"\(Self.left)\" y1=\"\(py(y))\" x2=\"\(Self.width - Self.right)\" y2=\"\(py(y))\" stroke=\"#eee\"/>\n"
            svg += text(Self.left - 6, py(y) + 4, Self.shortNumber(y), anchor: "end", size: 11)
        }
        for x in xTicks ?? (0...4).map({ xMin + (xMax - xMin) * Double($0) / 4 }) where x >= xMin && x <= xMax {
            svg += text(px(x), bottomY + 16, xTickLabel(x), anchor: "middle", size: 11)
        }
        svg += text((Self.left + Self.width - Self.right) / 2, Self.height - 6, xLabel, anchor: "middle", size: 12)
        svg += "<text x=\"14\" y=\"\((Self.top + bottomY) / 2)\" font-size=\"12\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 14 \((Self.top + bottomY) / 2))\">\(Self.escape(yLabel))</text>\n"
        return svg
    }

    private func text(_ x: Double, _ y: Double, _ content: String, anchor: String, size: Int,
                      weight: String = "normal") -> String {
        "<text x=\"\(String(format: "%.1f", x))\" y=\"\(String(format: "%.1f", y))\" font-size=\"\(size)\" "
            + "font-weight=\"\(weight)\" text-anchor=\"\(anchor)\">\(Self.escape(content))</text>\n"
    }

    /// `1.5k`, `2.3M`, `0.25`: tick labels that fit.
    public static func shortNumber(_ value: Double) -> String {
        switch abs(value) {
        case 1e6...: return String(format: "%.1fM", value / 1e6)
        case 1e4...: return String(format: "%.0fk", value / 1e3)
        case 100...: return String(format: "%.0f", value)
        case 1...: return String(format: "%.1f", value)
        case 0: return "0"
        default: return String(format: "%.3f", value)
        }
    }

    /// Text safe inside SVG/HTML.
    public static func escape(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            default: output.append(character)
            }
        }
        return output
    }
}
