// Copyright (c) CdnTasks contributors. MIT License.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CdnTasks.Emulator;

/// <summary>Start-up helpers.</summary>
internal static class Startup
{
    /// <summary>The first address in a ';'-separated --urls value whose host is not loopback, or null.</summary>
    public static string? FirstNonLoopback(string urls)
    {
        foreach (string url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int scheme = url.IndexOf("://", StringComparison.Ordinal);
            string rest = scheme < 0 ? url : url[(scheme + 3)..];
            int slash = rest.IndexOf('/');
            if (slash >= 0) rest = rest[..slash];
            string host;
            if (rest.StartsWith('['))
            {
                int close = rest.IndexOf(']');
                host = close < 0 ? rest : rest[1..close];
            }
            else
            {
                int colon = rest.LastIndexOf(':');
                host = colon < 0 ? rest : rest[..colon];
            }

            bool loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(host, out IPAddress? ip) && IPAddress.IsLoopback(ip));
            if (!loopback) return url;
        }

        return null;
    }

    /// <summary>
    /// Stops the application when stdin reaches end of file (or cannot be read), on a background thread. Call it
    /// once the application has started.
    /// </summary>
    public static void StopOnStdinEof(IHostApplicationLifetime lifetime)
    {
        var thread = new Thread(() =>
        {
            try
            {
                using Stream stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            Console.Error.WriteLine("stdin closed: stopping (--ExitOnStdinClose true).");
            lifetime.StopApplication();
        }) { IsBackground = true, Name = "stdin-watch" };
        thread.Start();
    }

    /// <summary>
    /// A self-signed server certificate for <paramref name="host"/> (default localhost, 127.0.0.1 and ::1), valid
    /// from yesterday for 30 days, written as .pem (certificate only) and .pfx (with its key, no password) into
    /// <paramref name="folder"/> (default a new temporary folder).
    /// </summary>
    public static (X509Certificate2 Certificate, string PemPath, string PfxPath) CreateCertificate(string? host, string? folder)
    {
        using RSA rsa = RSA.Create(2048);
        string name = string.IsNullOrWhiteSpace(host) ? "localhost" : host.Trim();
        var request = new CertificateRequest("CN=" + name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        if (string.IsNullOrWhiteSpace(host))
        {
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
            san.AddIpAddress(IPAddress.IPv6Loopback);
        }
        else if (IPAddress.TryParse(name, out IPAddress? ip))
        {
            san.AddIpAddress(ip);
        }
        else
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 made = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        byte[] pfx = made.Export(X509ContentType.Pfx);
        X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(pfx, null);

        folder = string.IsNullOrWhiteSpace(folder)
            ? Directory.CreateTempSubdirectory("cdnemu-cert-").FullName
            : Directory.CreateDirectory(folder).FullName;
        string pemPath = Path.Combine(folder, "emulator-cert.pem");
        string pfxPath = Path.Combine(folder, "emulator-cert.pfx");
        File.WriteAllText(pemPath, certificate.ExportCertificatePem() + "\n");
        File.WriteAllBytes(pfxPath, pfx);
        return (certificate, pemPath, pfxPath);
    }
}
