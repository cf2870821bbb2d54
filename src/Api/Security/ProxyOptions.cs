using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Pipeline.Api.Security;

/// <summary>
/// The reverse proxies in front of the API (<c>Proxy:*</c>). Only requests from them have their
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> believed, so behind a TLS-terminating proxy the dashboard
/// cookie is marked Secure and limits count the real client's address; with none configured, both headers are ignored.
/// </summary>
internal sealed class ProxyOptions : IValidatableObject
{
    public const string SectionName = "Proxy";

    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public bool Any => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
            yield return new ValidationResult($"Proxy:KnownProxies: '{proxy}' is not an IP address.", [nameof(KnownProxies)]);
        foreach (var network in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
            yield return new ValidationResult($"Proxy:KnownNetworks: '{network}' is not a network in CIDR notation.", [nameof(KnownNetworks)]);
    }

    /// <summary>Trusts exactly the configured proxies (not the framework's default of loopback).</summary>
    public void ApplyTo(ForwardedHeadersOptions forwarded)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in KnownProxies)
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        foreach (var network in KnownNetworks)
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
    }
}
