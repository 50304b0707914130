// Copyright (c) CdnTasks contributors. MIT License.
using System.Security.Cryptography.X509Certificates;
using CdnTasks.Emulator;
using CdnTasks.Emulator.Accounts;
using CdnTasks.Emulator.Api;
using CdnTasks.Emulator.Control;
using CdnTasks.Emulator.Faults;
using CdnTasks.Emulator.RateLimit;
using CdnTasks.Emulator.Signature;
using CdnTasks.Emulator.Store;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

EmulatorOptions options;
try
{
    IConfigurationRoot config = new ConfigurationBuilder().AddEnvironmentVariables("CDNEMU_").AddCommandLine(args).Build();
    options = config.Get<EmulatorOptions>() ?? new EmulatorOptions();
}
catch (Exception ex) when (ex is InvalidOperationException or FormatException)
{
    Console.Error.WriteLine($"Invalid option: {ex.Message} {ex.InnerException?.Message}");
    return 2;
}

var builder = WebApplication.CreateBuilder(args);
string urls = builder.Configuration["urls"] ?? "";
if (string.IsNullOrWhiteSpace(urls))
{
    urls = "http://127.0.0.1:0";
    builder.WebHost.UseUrls(urls);
}
else if (urls.Contains("://localhost:0", StringComparison.OrdinalIgnoreCase))
{
    // Kestrel cannot bind localhost to a dynamic port; use the IPv4 loopback instead.
    urls = urls.Replace("://localhost:0", "://127.0.0.1:0", StringComparison.OrdinalIgnoreCase);
    builder.WebHost.UseUrls(urls);
}

if (!options.AllowRemote)
{
    string? remote = Startup.FirstNonLoopback(urls);
    if (remote is not null)
    {
        Console.Error.WriteLine($"Refusing to listen on non-loopback address '{remote}'; pass --AllowRemote true to allow it.");
        return 2;
    }
}

AccountModel account;
FaultInjector faults;
try
{
    account = new AccountModel(options);
    faults = new FaultInjector(options);
}
catch (InvalidOperationException ex)
{
    Console.Error.WriteLine("Invalid option: " + ex.Message);
    return 2;
}

string? certificateFolder = null;
if (urls.Contains("https://", StringComparison.OrdinalIgnoreCase))
{
    // HTTPS: a self-signed certificate made now; clients trust it by its file or thumbprint.
    (X509Certificate2 certificate, string pem, string pfx) = Startup.CreateCertificate(options.CertificateHost, options.CertificatePath);
    builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate));
    Console.Out.WriteLine($"Certificate: {pem} (thumbprint {certificate.Thumbprint}, with key: {pfx})");
    if (string.IsNullOrWhiteSpace(options.CertificatePath)) certificateFolder = Path.GetDirectoryName(pem);
}

builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

builder.Services.AddSingleton(options);
builder.Services.AddSingleton(new StartupOptions(options));
builder.Services.AddSingleton(account);
builder.Services.AddSingleton(new RecordStore(options, account, RecordStore.Now()));
builder.Services.AddSingleton<EmulatorStats>();
builder.Services.AddSingleton(faults);
builder.Services.AddSingleton<AuthGate>();
builder.Services.AddSingleton<RateLimiter>();

var app = builder.Build();
app.UseMiddleware<GatewayMiddleware>();
UrlTaskEndpoints.Map(app);
ContentTaskEndpoints.Map(app);
HistoryEndpoints.Map(app);
AccountEndpoints.Map(app);
ControlEndpoints.Map(app);

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
    Console.Out.WriteLine("Listening on: " + (addresses?.FirstOrDefault() ?? urls));
    Console.Out.Flush();

    // Watched only once started: stopping a host that is still starting throws (exit 134 with </dev/null).
    if (options.ExitOnStdinClose) Startup.StopOnStdinEof(app.Lifetime);
});

try
{
    await app.RunAsync();
}
catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
{
    Console.Error.WriteLine("Emulator failed to start: " + ex.Message);
    return 1;
}
finally
{
    // A certificate folder the emulator made itself goes with it.
    if (certificateFolder is not null)
    {
        try { Directory.Delete(certificateFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

return 0;
