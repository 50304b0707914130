// Copyright (c) CdnTasks contributors. MIT License.
using CdnTasks.Emulator;
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

builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

builder.Services.AddSingleton(options);
builder.Services.AddSingleton(new RecordStore(options, RecordStore.Now()));
builder.Services.AddSingleton<EmulatorStats>();
builder.Services.AddSingleton<FaultInjector>();
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
});

if (options.ExitOnStdinClose)
{
    var thread = new Thread(() =>
    {
        using Stream stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        try
        {
            while (stdin.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }
        catch (IOException)
        {
        }

        app.Lifetime.StopApplication();
    }) { IsBackground = true, Name = "stdin-watch" };
    thread.Start();
}

try
{
    await app.RunAsync();
}
catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
{
    Console.Error.WriteLine("Emulator failed to start: " + ex.Message);
    return 1;
}

return 0;
