// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api;

namespace CdnTasks.Commands
{
    /// <summary>
    /// The base of every CdnTasks cmdlet. It owns the connection parameters, resolves settings and
    /// credentials (before any request), owns the cancellation source that <see cref="StopProcessing"/>
    /// cancels, bridges async work to the pipeline thread (blocking once, at the edge, while draining the API
    /// layer's log messages), and turns <see cref="CdnApiException"/> into meaningful ErrorRecords.
    /// </summary>
    public abstract class CdnCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private readonly CommandLog _log = new CommandLog();
        private CdnClient _client;
        private bool _disposed;

        /// <summary>Gets or sets the region (cn-north-1 by default; ap-southeast-1, eu-west-101).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(CdnArgumentCompleter))]
        [ValidateNotNullOrEmpty]
        public string Region { get; set; }

        /// <summary>Gets or sets an endpoint that overrides the region's (http only for loopback addresses).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Endpoint { get; set; }

        /// <summary>Gets or sets the credential: user name = access key (AK), password = secret key (SK).</summary>
        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        /// <summary>Gets or sets the account (domain) id sent as X-Domain-Id.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DomainId { get; set; }

        /// <summary>Gets the token cancelled by Ctrl+C / StopProcessing.</summary>
        protected CancellationToken CancellationToken => _cancellation.Token;

        /// <summary>Gets the client, created on first use (credentials and settings resolved then).</summary>
        internal CdnClient Client => _client ?? (_client = CreateClient());

        /// <inheritdoc/>
        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _cancellation.Dispose();
            }

            GC.SuppressFinalize(this);
        }

        /// <inheritdoc/>
        protected override void StopProcessing()
        {
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        /// <summary>Reads an environment variable (process scope).</summary>
        internal static string GetVariable(string name) => Environment.GetEnvironmentVariable(name);

        /// <summary>Resolves settings and credentials and builds the client; throws a terminating error when either is unusable.</summary>
        internal CdnClient CreateClient()
        {
            CdnSettings settings = ResolveSettings();
            CdnCredential credential = ResolveCredential();
            WriteDebug($"Credential source: {credential.Source}, access key {credential.MaskedAccessKey}; endpoint {settings.Endpoints[0]} ({settings.EndpointSource}).");
            return new CdnClient(new CdnTransport(settings, credential, _log));
        }

        /// <summary>Merges parameters, session defaults and environment into settings.</summary>
        internal CdnSettings ResolveSettings()
        {
            try
            {
                var parameters = new CdnSettingsLayer { Region = Region, Endpoint = Endpoint };
                return CdnSettings.Resolve(
                    new[] { parameters, CdnSession.Current.Settings, CdnSettingsLayer.FromEnvironment(GetVariable) },
                    GetVariable);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InvalidConfiguration, ErrorCategory.InvalidArgument, Endpoint ?? Region));
                throw;
            }
        }

        /// <summary>Finds the credential along the chain or stops with a clear error that lists every way to provide one.</summary>
        internal CdnCredential ResolveCredential()
        {
            CdnCredential fromParameters = null;
            if (Credential != null)
            {
                fromParameters = new CdnCredential(Credential.UserName, Credential.Password, null, null, "parameter (-Credential)");
            }

            CdnCredential credential = CredentialChain.Resolve(fromParameters, CdnSession.Current.Credential, GetVariable, null, DomainId);
            if (credential == null)
            {
                var error = new ErrorRecord(
                    new InvalidOperationException("No Huawei Cloud credentials were found. " + CredentialChain.HowToProvide),
                    ErrorIds.CredentialNotFound,
                    ErrorCategory.AuthenticationError,
                    null);
                error.ErrorDetails = new ErrorDetails(error.Exception.Message) { RecommendedAction = "Set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or pass -Credential." };
                ThrowTerminatingError(error);
            }

            return credential;
        }

        /// <summary>Blocks the pipeline thread until the task ends, writing the API layer's messages meanwhile.</summary>
        internal T Await<T>(Task<T> task)
        {
            Pump(task);
            return Unwrap(() => task.GetAwaiter().GetResult());
        }

        /// <summary>Blocks until the task ends, writing messages meanwhile.</summary>
        internal void Await(Task task)
        {
            Pump(task);
            Unwrap(() =>
            {
                task.GetAwaiter().GetResult();
                return true;
            });
        }

        /// <summary>Advances an async enumerator from the pipeline thread (no blocking when the value is ready).</summary>
        internal bool MoveNext<T>(IAsyncEnumerator<T> enumerator)
        {
            ValueTask<bool> next = enumerator.MoveNextAsync();
            if (next.IsCompletedSuccessfully)
            {
                DrainLog();
                return next.Result;
            }

            return Await(next.AsTask());
        }

        /// <summary>Writes the queued verbose, debug and warning messages (pipeline thread only).</summary>
        internal void DrainLog()
        {
            while (_log.TryTake(out CommandLog.Entry entry))
            {
                switch (entry.Kind)
                {
                    case CommandLog.Level.Verbose:
                        WriteVerbose(entry.Message);
                        break;
                    case CommandLog.Level.Debug:
                        WriteDebug(entry.Message);
                        break;
                    default:
                        WriteWarning(entry.Message);
                        break;
                }
            }
        }

        /// <summary>Builds the ErrorRecord for a failed call: id CdnApi.&lt;code&gt;, category by HTTP status, details with the service's words.</summary>
        internal ErrorRecord ToErrorRecord(CdnApiException failure, object target)
        {
            string code = failure.ErrorCode ?? failure.Kind.ToString();
            ErrorCategory category = CategoryOf(failure);
            string message = failure.Message;
            string action = RecommendedAction(failure);
            if (failure.ClockSkew.HasValue && Math.Abs(failure.ClockSkew.Value.TotalMinutes) >= 1)
            {
                double minutes = failure.ClockSkew.Value.TotalMinutes;
                message += $" The local clock is {Math.Abs(minutes):0} minutes {(minutes > 0 ? "behind" : "ahead of")} the service's; requests signed more than 15 minutes off are rejected. Correct the system clock.";
            }

            if (failure.MayHaveBeenProcessed)
            {
                message += " The service may have processed this request although it failed; it was not sent again.";
            }

            var record = new ErrorRecord(failure, ErrorIds.ServicePrefix + code, category, target)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = action },
            };
            return record;
        }

        /// <summary>Runs <paramref name="body"/>, turning a user cancellation into a pipeline stop.</summary>
        internal void RunCancellable(Action body)
        {
            try
            {
                body();
            }
            catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                DrainLog();
            }
        }

        /// <summary>Stops the command with a validation error, before any request is sent.</summary>
        internal void ThrowValidationError(string errorId, string message, object target, ErrorCategory category = ErrorCategory.InvalidArgument)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, category, target));
        }

        private static ErrorCategory CategoryOf(CdnApiException failure)
        {
            switch (failure.Kind)
            {
                case CdnFailureKind.Timeout:
                    return ErrorCategory.OperationTimeout;
                case CdnFailureKind.Connection:
                    return ErrorCategory.ConnectionError;
                case CdnFailureKind.MalformedResponse:
                    if ((int)(failure.StatusCode ?? 0) < 400)
                    {
                        return ErrorCategory.InvalidResult;
                    }

                    break;
            }

            int status = (int)(failure.StatusCode ?? 0);
            switch (status)
            {
                case 400:
                    return ErrorCategory.InvalidArgument;
                case 401:
                    return ErrorCategory.AuthenticationError;
                case 403:
                    return ErrorCategory.PermissionDenied;
                case 404:
                    return ErrorCategory.ObjectNotFound;
                case 429:
                    return ErrorCategory.LimitsExceeded;
                default:
                    return status >= 500 ? ErrorCategory.ConnectionError : ErrorCategory.NotSpecified;
            }
        }

        private static string RecommendedAction(CdnApiException failure)
        {
            int status = (int)(failure.StatusCode ?? 0);
            if (failure.Kind == CdnFailureKind.Timeout)
            {
                return "Retry later, or raise the timeout with Set-CdnConfig -TimeoutSec or CDNTASKS_TIMEOUT_SEC.";
            }

            if (failure.Kind == CdnFailureKind.Connection)
            {
                return "Check the endpoint (-Region, -Endpoint, CDNTASKS_ENDPOINT), the network and any proxy (CDNTASKS_PROXY, HTTPS_PROXY).";
            }

            switch (status)
            {
                case 400:
                    return "Check the parameters against Get-Help for this command.";
                case 401:
                    return "Check the access key and secret key, the security token of temporary credentials, and that the system clock is correct. Five failed signatures in a row lock the key for five minutes.";
                case 403:
                    return "Check the account's permissions (CDN RefreshAndPreheatAccess) and the domain id (-DomainId, HUAWEICLOUD_SDK_DOMAIN_ID).";
                case 404:
                    return "Check the id or the endpoint.";
                case 429:
                    return "The service throttled the requests; wait and retry, or lower the rate (Set-CdnConfig -RateLimit, CDNTASKS_RATE_LIMIT).";
                default:
                    return status >= 500 ? "The service failed; retry later." : null;
            }
        }

        private void Pump(Task task)
        {
            var handle = (IAsyncResult)task;
            while (!task.IsCompleted)
            {
                handle.AsyncWaitHandle.WaitOne(50);
                DrainLog();
            }

            DrainLog();
        }

        private T Unwrap<T>(Func<T> get)
        {
            try
            {
                return get();
            }
            catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }
    }
}
