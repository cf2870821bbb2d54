namespace Pipeline.Api.Problems;

/// <summary>A dependency (broker or database) cannot take the request now; the caller should retry later.</summary>
internal sealed class ServiceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
