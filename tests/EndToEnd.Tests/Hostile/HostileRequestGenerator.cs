using System.Text;
using System.Text.Json;

namespace Pipeline.EndToEnd.Tests.Hostile;

/// <summary>
/// A seeded, hence repeatable, stream of bad requests over the chat route, the flag routes (with the admin key), and
/// the comparison and operations routes. Every request is bad in at least one way, so none may succeed or change anything.
/// </summary>
public sealed class HostileRequestGenerator(int seed, string targetFlag, long targetVersion, int chatBodyLimit)
{
    public static readonly string[] Categories =
    [
        "malformed-json", "wrong-types", "huge-body", "deep-nesting", "invalid-utf8", "control-chars", "injection",
        "oversized-headers", "bad-query", "wrong-content-type", "bad-route",
    ];

    private static readonly string[] Injections =
    [
        "' OR '1'='1", "'; DROP TABLE feature_flags; --", "\" OR 1=1 --", "1; SELECT pg_sleep(10)", "admin'--",
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "]]><!--", "{{7*7}}", "${jndi:ldap://x/a}",
        "../../../../etc/passwd", "%00", "\u202egnp.exe", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🤖", "$(rm -rf /)", "|| true", "\\\\server\\share",
    ];

    private static readonly string[] Malformed =
    [
        "", "{", "}", "{\"message\":", "{\"message\":\"unterminated", "{message:\"no quotes\"}", "{'message':'single'}",
        "{\"message\":\"a\",}", "{\"message\":\"a\"} trailing", "{\"message\":\"a\"}{\"message\":\"b\"}", "[1,2,", "nul", "tru",
        "{\"message\":NaN}", "{\"message\":\"a\" /* comment */}", "{\"message\":\"a\"\"b\"}", "{\"a\":1 \"b\":2}", "\u0000",
        "{\"message\":\"\\uZZZZ\"}", "{\"message\":\"\\x41\"}", "{\"message\":01}", "{\"message\":1.2.3}", "{\"message\":--1}",
        "{\"version\":}", "{,}", "{\"\":}", "\"just a string", "{\"message\":\"a\"]", "[}", "{\"message\":\"line\nbreak\"}",
    ];

    private static readonly string[] MalformedNonEmpty = Malformed.Where(m => m.Length > 0).ToArray();

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0xA0, 0xA1], [0xE2, 0x28, 0xA1], [0xE2, 0x82], [0xF0, 0x28, 0x8C, 0xBC],
        [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80],
    ];

    private readonly Random _random = new(seed);

    public IEnumerable<HostileRequest> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var category = Categories[i % Categories.Length];
            yield return _random.Next(10) switch
            {
                < 4 => Chat(category),
                < 7 => Flag(category),
                _ => Operations(category),
            };
        }
    }

    private HostileRequest Chat(string category)
    {
        const string path = "/api/chat";
        return category switch
        {
            "malformed-json" => Json("chat/" + category, HttpMethod.Post, path, Pick(Malformed).Replace("\"a\"", "\"hello\"")),
            "wrong-types" => Json("chat/" + category, HttpMethod.Post, path, Pick(
                $"{{\"message\":{Number()}}}", "{\"message\":[\"hi\"]}", "{\"message\":{\"text\":\"hi\"}}", "{\"message\":true}",
                "{\"message\":\"hi\",\"conversationId\":\"not-a-uuid\"}", $"{{\"message\":\"hi\",\"conversationId\":{Number()}}}",
                "{\"message\":\"hi\",\"webSearchEnabled\":\"yes\"}", "{\"message\":\"hi\",\"webSearchEnabled\":1}", "[{\"message\":\"hi\"}]",
                "\"hi\"", "42", "null", "{\"Message\":\"wrong case\"}", "{\"message\":null}", "{}", "{\"message\":\"\"}",
                "{\"message\":\"   \\t\\n \"}", "{\"message\":\"hi\",\"conversationId\":\"00000000-0000-0000-0000-000000000000\"}",
                $"{{\"message\":\"{new string('x', 8_001 + _random.Next(20_000))}\"}}")),
            "huge-body" => Json("chat/" + category, HttpMethod.Post, path,
                $"{{\"message\":\"{new string('m', chatBodyLimit + _random.Next(1, 4 * chatBodyLimit))}\"}}"),
            "deep-nesting" => Json("chat/" + category, HttpMethod.Post, path, $"{{\"message\":{Nested(_random.Next(17, 3_000))}}}"),
            "invalid-utf8" => Raw("chat/" + category, HttpMethod.Post, path, Utf8WithInvalidBytes("{\"message\":\"hello ", " world\"}")),
            "control-chars" => _random.Next(2) == 0
                ? Json("chat/" + category, HttpMethod.Post, path, $"{{\"message\":\"hi{Control()}there\"}}")
                : Raw("chat/" + category, HttpMethod.Post, path, Encoding.UTF8.GetBytes($"{{\"message\":\"raw{(char)_random.Next(0, 32)}control\"}}")),
            // A hostile string in an otherwise valid request would be a valid question; each one here is also broken.
            "injection" => Json("chat/" + category, HttpMethod.Post, path, Pick(
                $"{{\"message\":{Quote(Pick(Injections))},\"conversationId\":\"00000000-0000-0000-0000-000000000000\"}}",
                $"{{\"message\":{Quote(Pick(Injections))},\"role\":\"admin\"}}",
                $"{{\"message\":{Quote(Pick(Injections))},\"conversationId\":{Quote(Pick(Injections))}}}",
                $"{{{Quote(Pick(Injections))}:\"hi\"}}")),
            "oversized-headers" => OversizedHeaders("chat/" + category, HttpMethod.Post, path, "{\"message\":\"hi\"}"),
            "bad-query" => Json("chat/" + category, HttpMethod.Post, $"{path}?stream={Escape(Pick(Injections))}&conversationId=x", "{\"message\":\"\"}"),
            "wrong-content-type" => Raw("chat/" + category, HttpMethod.Post, path, Encoding.UTF8.GetBytes("{\"message\":\"hi\"}"),
                Pick("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", null!, "json", "application/jsonx")),
            _ => new HostileRequest("chat/" + category, Pick(HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch),
                Pick(path, "/api/chat/x", "/api/chats", "/hubs/chat/" + Escape(Pick(Injections)))),
        };
    }

    private HostileRequest Flag(string category)
    {
        var target = $"/api/flags/{targetFlag}";
        var write = Pick(HttpMethod.Patch, HttpMethod.Put);
        var flagCategory = "flags/" + category;
        return category switch
        {
            "malformed-json" => Admin(MalformedFlagWrite(flagCategory, target)),
            "wrong-types" => Admin(Json(flagCategory, write, target, Pick(
                $"{{\"status\":{Number()},\"version\":{targetVersion}}}", $"{{\"rolloutPercentage\":\"ten\",\"version\":{targetVersion}}}",
                $"{{\"rolloutPercentage\":{_random.Next(101, 100_000)},\"version\":{targetVersion}}}", $"{{\"rolloutPercentage\":-{_random.Next(1, 100)},\"version\":{targetVersion}}}",
                $"{{\"targetUsers\":\"vip\",\"version\":{targetVersion}}}", $"{{\"targetGroups\":[1,2],\"version\":{targetVersion}}}",
                $"{{\"status\":\"enabled\",\"version\":\"{targetVersion}\"}}", "{\"status\":\"enabled\",\"version\":-1}", "{\"status\":\"enabled\",\"version\":1.5}",
                $"{{\"parent\":5,\"version\":{targetVersion}}}", "[]", "\"enabled\"", "null", $"{{\"reason\":{{}},\"version\":{targetVersion}}}",
                $"{{\"status\":\"maybe\",\"version\":{targetVersion}}}", $"{{\"colour\":\"blue\",\"version\":{targetVersion}}}"))),
            "huge-body" => Admin(Json(flagCategory, HttpMethod.Patch, target,
                $"{{\"description\":\"{new string('d', _random.Next(300_000, 600_000))}\",\"version\":{targetVersion}}}")),
            "deep-nesting" => Admin(Json(flagCategory, Pick(HttpMethod.Patch, HttpMethod.Post), Pick(target, target + "/rollout", target + "/kill"),
                $"{{\"targetUsers\":{Nested(_random.Next(17, 3_000))},\"version\":{targetVersion}}}")),
            "invalid-utf8" => _random.Next(3) == 0
                ? Admin(Raw(flagCategory, HttpMethod.Post, target + "/rollout", Utf8WithInvalidBytes("{\"stages\":[\"shadow", "\",\"1\",\"100\"]}")))
                : Admin(Raw(flagCategory, HttpMethod.Patch, target, Utf8WithInvalidBytes("{\"description\":\"d ", $" e\",\"version\":{targetVersion}}}"))),
            // PostgreSQL text cannot hold NUL, and no flag field is meant to carry control characters.
            "control-chars" => Admin(Json(flagCategory, Pick(HttpMethod.Patch, HttpMethod.Post), target + Pick("", "/kill"), Pick(
                $"{{\"description\":\"a{Control()}b\",\"version\":{targetVersion}}}", $"{{\"targetUsers\":[\"u{Control()}\"],\"version\":{targetVersion}}}",
                $"{{\"targetGroups\":[\"g{Control()}\"],\"version\":{targetVersion}}}", $"{{\"reason\":\"r{Control()}\",\"version\":{targetVersion}}}",
                $"{{\"status\":\"enabled{Control()}\",\"version\":{targetVersion}}}"))),
            "injection" => _random.Next(2) == 0
                ? Admin(new HostileRequest(flagCategory, Pick(HttpMethod.Get, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Post),
                    $"/api/flags/{Escape(Pick(Injections))}", Encoding.UTF8.GetBytes("{\"status\":\"disabled\"}")))
                : Admin(Json(flagCategory, HttpMethod.Patch, target, Pick(
                    $"{{\"status\":{Quote(Pick(Injections))},\"version\":{targetVersion}}}",
                    $"{{\"parent\":{Quote(Pick(Injections))},\"version\":{targetVersion}}}",
                    $"{{{Quote(Pick(Injections))}:1,\"version\":{targetVersion}}}"))),
            "oversized-headers" => Admin(OversizedHeaders(flagCategory, HttpMethod.Get, target, null)),
            "bad-query" => Admin(new HostileRequest(flagCategory, HttpMethod.Get,
                Pick($"/api/flags/{Escape(Pick(Injections))}/evaluate?userId=u", $"/api/flags/no-such-flag-{_random.Next(1000)}/evaluate?userId=u",
                    $"/api/flags/{Escape(Pick(Injections))}/events"), null, null)),
            "wrong-content-type" => Admin(Raw(flagCategory, Pick(HttpMethod.Patch, HttpMethod.Put, HttpMethod.Post), Pick(target, target + "/kill", target + "/rollout"),
                Encoding.UTF8.GetBytes($"{{\"status\":\"disabled\",\"version\":{targetVersion}}}"), Pick("text/plain", "application/x-www-form-urlencoded", null!))),
            _ => Admin(new HostileRequest(flagCategory, Pick(HttpMethod.Delete, HttpMethod.Post, HttpMethod.Put), Pick("/api/flags", target + "/events", target + "/evaluate", "/api/flags/" + new string('a', 300)), null, null)),
        };
    }

    private HostileRequest Operations(string category)
    {
        var opsCategory = "ops/" + category;
        return category switch
        {
            "malformed-json" => Admin(Json(opsCategory, HttpMethod.Post, Pick("/api/ops/replay", "/api/documents"), Pick(Malformed))),
            "wrong-types" => Admin(Json(opsCategory, HttpMethod.Post, "/api/ops/replay", Pick(
                "{\"limit\":\"ten\"}", "{\"from\":\"yesterday\"}", "{\"from\":12,\"to\":13}", "{\"flag\":[1]}", "{\"limit\":-5}",
                "{\"limit\":1e40}", "{\"from\":\"2030-01-01T00:00:00Z\",\"to\":\"2020-01-01T00:00:00Z\"}", "[]", "{\"window\":\"1h\"}"))),
            "huge-body" => Admin(Json(opsCategory, HttpMethod.Post, "/api/ops/replay", $"{{\"flag\":\"{new string('f', _random.Next(300_000, 600_000))}\"}}")),
            "deep-nesting" => Admin(Json(opsCategory, HttpMethod.Post, Pick("/api/ops/replay", "/api/documents"), Nested(_random.Next(17, 3_000)))),
            "invalid-utf8" => Admin(Raw(opsCategory, HttpMethod.Post, "/api/ops/replay", Utf8WithInvalidBytes("{\"flag\":\"", "\"}"))),
            // NUL in a document, otherwise a valid upload: PostgreSQL text cannot hold it, so it must be refused up front.
            "control-chars" when _random.Next(4) == 0 => Admin(Json(opsCategory, HttpMethod.Post, "/api/documents", Pick(
                "{\"sourceKey\":\"hostile-doc\",\"format\":\"text\",\"content\":\"Article 1\\u0000 The data controller.\"}",
                "{\"sourceKey\":\"hostile-doc\",\"format\":\"markdown\",\"title\":\"T\\u0000\",\"content\":\"# Title\\n\\nBody text.\"}"))),
            "control-chars" => Admin(new HostileRequest(opsCategory, HttpMethod.Get,
                Pick("/api/comparisons?limit=0&flag=", "/api/comparisons?flag=", "/api/comparisons/summary?window=", "/api/metrics/summary?window=")
                + Escape($"x{ControlChar()}y"), null, null)),
            "injection" => Admin(new HostileRequest(opsCategory, Pick(HttpMethod.Get, HttpMethod.Post), Pick(
                $"/api/comparisons/summary?window={Escape(Pick(Injections))}", $"/api/metrics/summary?window={Escape(Pick(Injections))}",
                $"/api/comparisons?limit={Escape(Pick(Injections))}", $"/api/comparisons?flag={Escape(Pick(Injections))}&limit=0",
                $"/api/ops/errors/{Escape(Pick(Injections))}/redeliver", $"/api/ops/replay/{Escape(Pick(Injections))}",
                $"/api/comparisons/{Escape(Pick(Injections))}"), null, null)),
            // The request line is a header too: a query far past Kestrel's request-line limit.
            "oversized-headers" => Admin(_random.Next(2) == 0
                ? OversizedHeaders(opsCategory, HttpMethod.Get, "/api/comparisons", null)
                : new HostileRequest(opsCategory, HttpMethod.Get, $"/api/comparisons?flag={new string('q', _random.Next(9_000, 40_000))}", null, null)),
            "bad-query" => Admin(Query(opsCategory, Pick(
                "/api/comparisons?limit=abc", "/api/comparisons?limit=0", "/api/comparisons?limit=-1", "/api/comparisons?limit=99999999999",
                "/api/comparisons?limit=100000", "/api/comparisons?match=maybe", "/api/comparisons?from=not-a-date",
                "/api/comparisons?from=2030-01-01&to=2020-01-01", "/api/comparisons?to=13/45/2020", "/api/comparisons/summary?window=abc",
                "/api/comparisons/summary?window=-1h", "/api/comparisons/summary?window=0s", "/api/comparisons/summary?window=99999999d",
                "/api/metrics/summary?window=forever", "/api/metrics/summary?window=1y", "/api/ops/replay?limit=abc", "/api/ops/replay?limit=0",
                "/api/ops/replay?limit=-3", $"/api/comparisons?limit={new string('9', 400)}", "/api/comparisons?limit=1&limit=2",
                "/api/ops/replay/not-a-guid", $"/api/ops/replay/{RandomGuid()}", $"/api/comparisons/{RandomGuid()}",
                "/api/ops/errors/not-an-error-queue/redeliver", $"/api/ops/errors/no-such-queue-{_random.Next(1000)}_error/redeliver"))),
            "wrong-content-type" => Admin(Raw(opsCategory, HttpMethod.Post, Pick("/api/ops/replay", "/api/documents"),
                Encoding.UTF8.GetBytes("{\"limit\":1}"), Pick("text/plain", "application/x-www-form-urlencoded", null!))),
            _ => Admin(new HostileRequest(opsCategory, Pick(HttpMethod.Delete, HttpMethod.Put, HttpMethod.Patch),
                Pick("/api/comparisons", "/api/ops/replay", "/api/ops/errors", "/api/metrics/summary", "/api/alerts", "/api/nothing-here"), null, null)),
        };
    }

    /// <summary>A bodiless query; the redeliver route only takes POST.</summary>
    private static HostileRequest Query(string category, string path) =>
        new(category, path.EndsWith("/redeliver", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, path, null, null);

    private Guid RandomGuid()
    {
        var bytes = new byte[16];
        _random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static HostileRequest Admin(HostileRequest request) => request with { Admin = true };

    private static HostileRequest Json(string category, HttpMethod method, string path, string json) =>
        new(category, method, path, Encoding.UTF8.GetBytes(json));

    private static HostileRequest Raw(string category, HttpMethod method, string path, byte[] body, string? contentType = "application/json") =>
        new(category, method, path, body, contentType);

    private HostileRequest OversizedHeaders(string category, HttpMethod method, string path, string? json)
    {
        var headers = _random.Next(2) == 0
            ? new List<KeyValuePair<string, string>> { new("X-Padding", new string('h', _random.Next(40_000, 120_000))) }
            : Enumerable.Range(0, _random.Next(120, 300)).Select(i => new KeyValuePair<string, string>($"X-Many-{i}", "v")).ToList();
        return new HostileRequest(category, method, path, json is null ? null : Encoding.UTF8.GetBytes(json), json is null ? null : "application/json", Headers: headers);
    }

    private byte[] Utf8WithInvalidBytes(string before, string after) =>
        [.. Encoding.UTF8.GetBytes(before), .. Pick(InvalidUtf8), .. Encoding.UTF8.GetBytes(after)];

    private string Nested(int depth) =>
        _random.Next(2) == 0
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    /// <summary>A control character as a JSON escape: NUL half of the time (PostgreSQL refuses it), else another.</summary>
    private string Control() => _random.Next(2) == 0 ? "\\u0000" : $"\\u{Pick(1, 7, 8, 11, 12, 27, 31, 127):x4}";

    private char ControlChar() => _random.Next(2) == 0 ? '\0' : (char)Pick(1, 7, 8, 11, 12, 27, 31, 127);

    private HostileRequest MalformedFlagWrite(string category, string target)
    {
        var method = Pick(HttpMethod.Patch, HttpMethod.Post);
        var path = Pick(target, target + "/kill", target + "/rollout");
        // The kill switch and rollout start take an optional body: an empty one there is no body, not a malformed one.
        var optionalBody = path != target;
        return Json(category, method, path, Pick(optionalBody ? MalformedNonEmpty : Malformed));
    }

    private string Number() => Pick("1", "-1", "0", "3.14", "1e308", "-0", "12345678901234567890");

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static string Escape(string text) => Uri.EscapeDataString(text);

    private T Pick<T>(params T[] options) => options[_random.Next(options.Length)];
}
