// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using CdnTasks.Api;
using CdnTasks.Api.Paging;

namespace CdnTasks.Commands
{
    /// <summary>
    /// The base of every CdnTasks cmdlet. It owns the connection parameters, resolves settings and
    /// credentials (before any request), owns the cancellation source that <see cref="StopProcessing"/>
    /// cancels, bridges async work to the pipeline thread (blocking once, at the edge, while draining the API
    /// layer's log messages), and turns <see cref="CdnApiException"/> into meaningful ErrorRecords. Everything it
    /// writes (verbose, debug, warning, error) passes through <see cref="Redaction.Scrub"/> with the command's
    /// secrets: the Write* methods below hide the PSCmdlet ones, so derived commands get them without thinking.
    /// </summary>
    public abstract class CdnCmdlet : PSCmdlet, IDisposable
    {
        /// <summary>How often a running command updates its progress bar.</summary>
        private protected static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private readonly CommandLog _log = new CommandLog();
        private CdnClient _client;
        private SecretSet _resolvedSecrets;
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

        /// <summary>Gets or sets the access key id (AK); use with -SecretKey instead of -Credential.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string AccessKey { get; set; }

        /// <summary>Gets or sets the secret key (SK) that goes with -AccessKey.</summary>
        [Parameter]
        [ValidateNotNull]
        public SecureString SecretKey { get; set; }

        /// <summary>Gets or sets the security token of temporary credentials (with -AccessKey or -Credential).</summary>
        [Parameter]
        [ValidateNotNull]
        public SecureString SecurityToken { get; set; }

        /// <summary>Gets or sets the account (domain) id sent as X-Domain-Id.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DomainId { get; set; }

        /// <summary>Gets the token cancelled by Ctrl+C / StopProcessing.</summary>
        protected CancellationToken CancellationToken => _cancellation.Token;

        /// <summary>Gets the token cancelled by Ctrl+C, for helpers that work on behalf of the cmdlet.</summary>
        internal CancellationToken CancellationTokenForHelpers => _cancellation.Token;

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

        /// <summary>
        /// Gets the secrets of this command that must never be written: the parameters' secret key and token, and,
        /// once resolved, the credential's and the proxy password.
        /// </summary>
        internal SecretSet Secrets =>
            SecretSet.Of(new[] { SecretKey, SecurityToken, Credential?.Password }, null).With(_client?.Transport.Secrets ?? _resolvedSecrets);

        /// <summary>Writes a verbose line, scrubbed of secrets.</summary>
        internal new void WriteVerbose(string text) => base.WriteVerbose(Redaction.Scrub(text, Secrets));

        /// <summary>Writes a debug line, scrubbed of secrets.</summary>
        internal new void WriteDebug(string text) => base.WriteDebug(Redaction.Scrub(text, Secrets));

        /// <summary>Writes a warning, scrubbed of secrets.</summary>
        internal new void WriteWarning(string text) => base.WriteWarning(Redaction.Scrub(text, Secrets));

        /// <summary>Writes a non-terminating error, its message scrubbed of secrets.</summary>
        internal new void WriteError(ErrorRecord errorRecord) => base.WriteError(Scrubbed(errorRecord));

        /// <summary>Stops the command with an error, its message scrubbed of secrets.</summary>
        internal new void ThrowTerminatingError(ErrorRecord errorRecord) => base.ThrowTerminatingError(Scrubbed(errorRecord));

        /// <summary>
        /// Resolves settings and credentials and builds the client; when no domain id is known, discovers it from
        /// IAM through the same transport. Throws a terminating error when anything is unusable.
        /// </summary>
        internal CdnClient CreateClient()
        {
            CdnSettings settings = ResolveSettings();
            foreach (string warning in settings.Warnings)
            {
                WriteWarning(warning);
            }

            CdnCredential credential = ResolveCredential();
            _resolvedSecrets = SecretSet.Of(credential, settings);
            WriteDebug($"Credential source: {credential.Source}{(credential.SourceDetail == null ? string.Empty : " (" + credential.SourceDetail + ")")}, access key {credential.MaskedAccessKey}; endpoint {settings.Endpoints[0]} ({settings.EndpointSource}).");
            _log.IsVerboseEnabled = Wants("Verbose", "VerbosePreference");
            _log.IsDebugEnabled = Wants("Debug", "DebugPreference");
            var transport = new CdnTransport(settings, credential, _log);
            if (credential.DomainId == null)
            {
                transport.UseCredential(DiscoverDomainId(transport, settings));
            }

            return new CdnClient(transport);
        }

        /// <summary>
        /// Whether this command writes a stream: its common parameter (-Verbose, -Verbose:$false, -Debug) when given,
        /// else the preference variable in force (anything but SilentlyContinue and Ignore).
        /// </summary>
        internal bool Wants(string parameter, string preferenceVariable)
        {
            if (MyInvocation.BoundParameters.TryGetValue(parameter, out object bound))
            {
                return LanguagePrimitives.IsTrue(bound);
            }

            return !LanguagePrimitives.TryConvertTo(GetVariableValue(preferenceVariable), out ActionPreference preference)
                || (preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore);
        }

        /// <summary>Merges parameters, session defaults and environment into settings.</summary>
        internal CdnSettings ResolveSettings()
        {
            try
            {
                var parameters = new CdnSettingsLayer { Source = SettingSources.Parameter, Region = Region, Endpoint = Endpoint };
                return CdnSettings.Resolve(
                    new[] { parameters, CdnSession.Current.Settings, CdnSettingsLayer.FromEnvironment(GetVariable) },
                    GetVariable);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InvalidConfiguration, ErrorCategory.InvalidArgument, Endpoint ?? Region)
                {
                    ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "Correct the setting named in the message (Get-Help about_CdnTasks: \"Where requests go\" and \"Settings\")." },
                });
                throw;
            }
        }

        /// <summary>
        /// Finds the credential along the chain (parameters, session, environment, credentials file) or stops
        /// with a clear error that lists every way to provide one. Never prompts.
        /// </summary>
        internal CdnCredential ResolveCredential()
        {
            CdnCredential fromParameters = CredentialFromParameters();
            try
            {
                CdnCredential credential = CredentialChain.Resolve(fromParameters, CdnSession.Current.Credential, GetVariable, ReadCredentialsFile, DomainId);
                if (credential == null)
                {
                    var error = new ErrorRecord(
                        new InvalidOperationException("No Huawei Cloud credentials were found. " + CredentialChain.HowToProvide),
                        ErrorIds.CredentialNotFound,
                        ErrorCategory.AuthenticationError,
                        null);
                    error.ErrorDetails = new ErrorDetails(error.Exception.Message) { RecommendedAction = "Pass -Credential, run Set-CdnCredential, set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or add a [global] section to ~/.huaweicloud/credentials." };
                    ThrowTerminatingError(error);
                }

                return credential;
            }
            catch (CdnConfigurationException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.CredentialsFileInvalid, ErrorCategory.InvalidData, ex.Path));
                throw;
            }
            catch (CdnCredentialException ex)
            {
                // An environment variable (or -DomainId) holds part of a credential, or a value that cannot be sent.
                ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InvalidCredential, ErrorCategory.InvalidArgument, null)
                {
                    ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "Correct or remove the value named in the message. " + CredentialChain.HowToProvide },
                });
                throw;
            }
        }

        /// <summary>Reads the SDK credentials file (the last step of the chain), or null when there is none; warns once about a file others can read.</summary>
        internal CdnCredential ReadCredentialsFile() =>
            CredentialsFile.Load(GetVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), CredentialsFile.ReadFileOrNull, WriteWarning);

        /// <summary>
        /// Builds the credential from -Credential or -AccessKey/-SecretKey[/-SecurityToken], after checking that the
        /// combination makes sense (a terminating error otherwise, before any request). Null when none was given.
        /// </summary>
        internal CdnCredential CredentialFromParameters()
        {
            if (Credential != null && AccessKey != null)
            {
                ThrowValidationError(ErrorIds.InvalidParameterCombination, "Use either -Credential or -AccessKey with -SecretKey, not both.", nameof(AccessKey));
            }

            if (AccessKey != null && (SecretKey == null || SecretKey.Length == 0))
            {
                ThrowValidationError(ErrorIds.InvalidParameterCombination, "-AccessKey needs -SecretKey (a SecureString, for example from Read-Host -AsSecureString or a secret store).", nameof(SecretKey));
            }

            if (SecretKey != null && AccessKey == null)
            {
                ThrowValidationError(ErrorIds.InvalidParameterCombination, "-SecretKey needs -AccessKey.", nameof(AccessKey));
            }

            if (SecurityToken != null && AccessKey == null && Credential == null)
            {
                ThrowValidationError(ErrorIds.InvalidParameterCombination, "-SecurityToken needs -AccessKey and -SecretKey, or -Credential.", nameof(SecurityToken));
            }

            if (Credential != null)
            {
                if (string.IsNullOrWhiteSpace(Credential.UserName) || Credential.Password == null || Credential.Password.Length == 0)
                {
                    ThrowValidationError(ErrorIds.InvalidParameterCombination, "-Credential needs the access key as the user name and the secret key as the password; one of them is empty.", nameof(Credential));
                }

                return NewCredential(this, Credential.UserName, Credential.Password, SecurityToken, null, CredentialSources.Parameter, "-Credential", null, CredentialParameterName);
            }

            return AccessKey == null ? null : NewCredential(this, AccessKey, SecretKey, SecurityToken, null, CredentialSources.Parameter, "-AccessKey", null, KeyParameterName);
        }

        /// <summary>The names of -AccessKey, -SecretKey, -SecurityToken and -DomainId for credential errors.</summary>
        internal static string KeyParameterName(CredentialField field) => "-" + field;

        /// <summary>The names of the parts of -Credential for credential errors.</summary>
        internal static string CredentialParameterName(CredentialField field)
        {
            switch (field)
            {
                case CredentialField.AccessKey:
                    return "-Credential (its user name, the access key)";
                case CredentialField.SecretKey:
                    return "-Credential (its password, the secret key)";
                default:
                    return "-" + field;
            }
        }

        /// <summary>
        /// Builds a credential from parameters; a value that cannot be used (blank, a line break or another control
        /// character) stops the command with an InvalidCredential error naming the parameter, never the value.
        /// </summary>
        internal static CdnCredential NewCredential(PSCmdlet cmdlet, string accessKey, SecureString secretKey, SecureString securityToken, string domainId, string source, string sourceDetail, string domainIdSource, Func<CredentialField, string> nameOf)
        {
            try
            {
                return new CdnCredential(accessKey, secretKey, securityToken, domainId, source, sourceDetail, domainIdSource);
            }
            catch (CdnCredentialException ex)
            {
                CdnCredentialException named = ex.Named(nameOf);
                cmdlet.ThrowTerminatingError(new ErrorRecord(named, ErrorIds.InvalidCredential, ErrorCategory.InvalidArgument, nameOf(named.Field ?? CredentialField.AccessKey)));
                throw;
            }
        }

        /// <summary>Looks the domain id up from IAM (cached per access key); a clear terminating error when that fails.</summary>
        private CdnCredential DiscoverDomainId(CdnTransport transport, CdnSettings settings)
        {
            CdnCredential credential = transport.Credential;
            Uri iam;
            try
            {
                iam = DomainIdDiscovery.IamEndpoint(GetVariable, settings.Region);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InvalidConfiguration, ErrorCategory.InvalidArgument, DomainIdDiscovery.IamEndpointVariable));
                throw;
            }

            try
            {
                bool cached = DomainIdDiscovery.TryGetCached(iam, credential.AccessKey, out string domainId);
                if (!cached)
                {
                    WriteVerbose($"No domain id configured for access key {credential.MaskedAccessKey}; looking it up from IAM at {iam.GetLeftPart(UriPartial.Authority)} (GET /v3/auth/domains).");
                    domainId = Await(DomainIdDiscovery.DiscoverAsync(transport, iam, CancellationToken));
                }

                WriteDebug($"Domain id {domainId} ({(cached ? "discovered earlier in this session" : "discovered")}).");
                return credential.WithDomainId(domainId, CredentialSources.Discovered);
            }
            catch (CdnApiException ex)
            {
                string lookup = $"the account (domain) id lookup for access key {credential.MaskedAccessKey} at IAM {iam.GetLeftPart(UriPartial.Authority)} (GET /v3/auth/domains)";
                string howToSkip = "Set the account id with -DomainId, Set-CdnCredential -DomainId, the environment variable HUAWEICLOUD_SDK_DOMAIN_ID, or domain_id in the [global] section of the credentials file, "
                    + "and no lookup is made (it needs the iam:users:getUser permission; HUAWEICLOUD_SDK_IAM_ENDPOINT sets the IAM endpoint: against the emulator, set it to the emulator's URL or pass -DomainId).";
                if (ex.Kind == CdnFailureKind.Service)
                {
                    // The service refused the request (a wrong key: APIGW.0301): keep its error id and category, say where it happened.
                    ErrorRecord record = ToErrorRecord(ex, ex.Target);
                    record.ErrorDetails = new ErrorDetails($"The request failed during {lookup}: {record.ErrorDetails.Message} {howToSkip}")
                    {
                        RecommendedAction = record.ErrorDetails.RecommendedAction,
                    };
                    ThrowTerminatingError(record);
                }

                string said = ex.Kind == CdnFailureKind.MalformedResponse
                    ? $"IAM answered {ex.ErrorCode ?? "(no code)"}: {ex.ServiceMessage ?? ex.Message} (HTTP {(int)(ex.StatusCode ?? 0)}; request id {ex.RequestId ?? "(none)"})"
                    : ex.Message;
                string message = $"The account (domain) id is not configured, and {lookup} failed: {said} {howToSkip}";
                var discovery = new ErrorRecord(ex, ErrorIds.DomainIdDiscoveryFailed, ex.Kind == CdnFailureKind.Timeout ? ErrorCategory.OperationTimeout : ErrorCategory.ConnectionError, ex.Target ?? (object)iam)
                {
                    ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Pass -DomainId or set HUAWEICLOUD_SDK_DOMAIN_ID to your account id (My Credentials page of the console)." },
                };
                ThrowTerminatingError(discovery);
                throw;
            }
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

        /// <summary>
        /// How many records list commands write without -All or -First: 10,000 (100 pages of 100, about 20 s at
        /// ShowUrlTaskInfo's 5 requests/s); past it they stop with a warning that names how many match.
        /// </summary>
        internal const long DefaultRecordLimit = 10_000;

        /// <summary>
        /// Writes every record the pager hands out, as each page arrives (never collected first), with progress at most
        /// four times a second when <paramref name="showProgress"/>; then one non-terminating error for each part of the
        /// range the pager could not read. A failed request stops the command with its ErrorRecord after every earlier
        /// record was written; stopping early (Select-Object -First, Ctrl+C) cancels the requests in flight.
        /// </summary>
        /// <param name="pager">The pager to drain.</param>
        /// <param name="showProgress">Whether to write progress.</param>
        /// <param name="progress">How to describe the progress (activity, unit).</param>
        /// <param name="itemTarget">The input item a failure of <paramref name="isItemError"/> is about (its TargetObject).</param>
        /// <param name="isItemError">Failures that concern only this input item (an unknown task id): written as a
        /// non-terminating error instead of stopping the command; null for none. Any other failure stops the command
        /// with the structured CdnRequestTarget of the request (and the records written before) as TargetObject.</param>
        /// <returns>True when every page was written; false after a failure that <paramref name="isItemError"/> accepted.</returns>
        internal bool WritePages<T>(Pager<T> pager, bool showProgress, PagingProgress progress, Func<object> itemTarget = null, Func<CdnApiException, bool> isItemError = null)
        {
            var progressClock = Stopwatch.StartNew();
            bool progressShown = false;
            try
            {
                IReadOnlyList<T> page;
                while ((page = Await(pager.NextPageAsync(CancellationToken))) != null)
                {
                    for (int i = 0; i < page.Count; i++)
                    {
                        WriteObject(page[i]);
                    }

                    if (showProgress && progressClock.Elapsed >= ProgressInterval)
                    {
                        progressClock.Restart();
                        progressShown = true;
                        WriteProgress(progress.Describe(pager));
                    }
                }
            }
            catch (CdnApiException failure) when (isItemError != null && isItemError(failure))
            {
                WriteError(ToErrorRecord(failure, itemTarget?.Invoke()));
                return false;
            }
            catch (CdnApiException failure)
            {
                WriteGaps(pager, progress);
                if (failure.Target != null)
                {
                    failure.Target.RecordsWritten = pager.Emitted;
                }

                ThrowTerminatingError(ToErrorRecord(failure, null));
            }
            finally
            {
                pager.Stop();
                if (progressShown)
                {
                    ProgressRecord done = progress.Describe(pager);
                    done.RecordType = ProgressRecordType.Completed;
                    WriteProgress(done);
                }
            }

            WriteGaps(pager, progress);
            return true;
        }

        /// <summary>Whether one request holds every record asked for (-Skip plus -First within one page): then no progress is shown.</summary>
        internal static bool OnePageHoldsAll<T>(Pager<T> pager) => pager.First.HasValue && pager.Skip + pager.First.Value <= pager.PageSize;

        /// <summary>
        /// After a list command stopped at its default limit: a warning naming how many records match (from the
        /// service's totals, one small request per window not read) and how to get the rest. Nothing when nothing more matches.
        /// </summary>
        /// <param name="pager">The pager that was drained.</param>
        /// <param name="noun">What is counted ("records", "tasks", "URL records of task 7620242").</param>
        /// <param name="narrower">How to narrow the query (", or a narrower range (-StartTime, -EndTime)").</param>
        internal void WarnIfMoreMatch<T>(Pager<T> pager, string noun, string narrower)
        {
            if (!pager.First.HasValue || pager.Emitted < pager.First.Value || !pager.MayHaveMore)
            {
                return;
            }

            long? total = Await(pager.CountAsync(CancellationToken));
            long last = pager.Skip + pager.Emitted;
            if (total.HasValue && total.Value <= last)
            {
                return;
            }

            string shown = pager.Skip > 0
                ? string.Format(CultureInfo.InvariantCulture, "records {0:N0} to {1:N0}", pager.Skip + 1, last)
                : string.Format(CultureInfo.InvariantCulture, "the first {0:N0}", pager.Emitted);
            string of = total.HasValue
                ? string.Format(CultureInfo.InvariantCulture, " of {0:N0} matching {1}", total.Value, noun)
                : string.Format(CultureInfo.InvariantCulture, " of more matching {0} (the service did not say how many)", noun);
            WriteWarning($"Showing {shown}{of}. Use -All to get every one, -First N to get N of them{narrower}.");
        }

        /// <summary>One non-terminating error for each part of the range that could not be read, after the records.</summary>
        private void WriteGaps<T>(Pager<T> pager, PagingProgress progress)
        {
            foreach (PagingGap gap in pager.Gaps)
            {
                string how = gap.Missing.HasValue ? string.Format(CultureInfo.InvariantCulture, "At least {0:N0} {1}", gap.Missing.Value, progress.Unit) : "Some " + progress.Unit;
                string range = gap.Window.Equals(TimeWindows.Unordered)
                    ? string.Empty
                    : $" created from {TimeWindows.Format(gap.Window.StartMs)} to {TimeWindows.Format(gap.Window.EndMs)}";
                string message = $"{how}{range} may be missing from the output: {gap.Reason}.";
                var record = new ErrorRecord(new InvalidOperationException(message), ErrorIds.RecordsMayBeMissing, ErrorCategory.ReadError, gap.Window.ToString())
                {
                    ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Run the command again for that range (-StartTime and -EndTime), or narrow it." },
                };
                WriteError(record);
            }
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

        /// <summary>
        /// Builds the ErrorRecord for a failed call: id CdnApi.&lt;code&gt;, category by HTTP status, details with the
        /// service's words. The TargetObject is <paramref name="target"/> when the caller names an input item (the
        /// URLs of a purge request, the ids waited for), else the structured <see cref="CdnRequestTarget"/> of the
        /// failed request (operation, endpoint, time window or task id, offset).
        /// </summary>
        internal static ErrorRecord ToErrorRecord(CdnApiException failure, object target)
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

            var record = new ErrorRecord(failure, ErrorIds.ServicePrefix + code, category, target ?? failure.Target)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = action },
            };
            return record;
        }

        /// <summary>Runs <paramref name="body"/>, turning a user cancellation into a pipeline stop and any unconverted API failure into a terminating ErrorRecord.</summary>
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
            catch (CdnApiException failure)
            {
                // A safety net: paths that know a better target convert failures themselves.
                ThrowTerminatingError(ToErrorRecord(failure, null));
            }
            finally
            {
                DrainLog();
            }
        }

        /// <summary>The record with its message scrubbed of the command's secrets (a new ErrorDetails only when something was removed).</summary>
        private ErrorRecord Scrubbed(ErrorRecord record)
        {
            SecretSet secrets = Secrets;
            string shown = record.ErrorDetails?.Message ?? record.Exception?.Message;
            string scrubbed = Redaction.Scrub(shown, secrets);
            string action = record.ErrorDetails?.RecommendedAction;
            string scrubbedAction = Redaction.Scrub(action, secrets);
            if (scrubbed != shown || scrubbedAction != action)
            {
                record.ErrorDetails = new ErrorDetails(scrubbed) { RecommendedAction = scrubbedAction };
            }

            return record;
        }

        /// <summary>
        /// Refuses a -Skip the service cannot page to, before any request (the url-task offset is a 32-bit number;
        /// the history APIs count pages up to page_number 65535): an InvalidPaging error instead of a raw overflow.
        /// </summary>
        /// <param name="pageNumbered">True for the page_number APIs (Get-CdnTask, Get-CdnUrlTask -TaskId).</param>
        /// <param name="pageSize">The -PageSize in force.</param>
        internal void ValidateSkip(bool pageNumbered, int pageSize)
        {
            ulong skip = PagingParameters?.Skip ?? 0;
            long max = pageNumbered ? ((long)CdnClient.MaxPageNumber * pageSize) - 1 : int.MaxValue;
            if (skip <= (ulong)max)
            {
                return;
            }

            string why = pageNumbered
                ? string.Format(CultureInfo.InvariantCulture, "page_number is at most {0:N0}, so with -PageSize {1} at most {2:N0} records can be skipped. Use a larger -PageSize or a narrower filter", CdnClient.MaxPageNumber, pageSize, max)
                : string.Format(CultureInfo.InvariantCulture, "the service's offset is a 32-bit number, so at most {0:N0} records can be skipped. Use a narrower time range or filter", max);
            ThrowValidationError(ErrorIds.InvalidPaging, string.Format(CultureInfo.InvariantCulture, "-Skip {0:N0} is beyond what the service can page to: {1}.", skip, why), skip);
        }

        /// <summary>
        /// Refuses a creation-time range before any request is sent (InvalidTimeRange): a start that is not before the end
        /// (TargetObject -StartTime), or bounds the service cannot hold (<see cref="TimeWindows.OutOfBounds"/>; TargetObject
        /// -EndTime when it was given, else -StartTime). <paramref name="startMs"/> is null when the command has no start.
        /// </summary>
        internal void ValidateTimeRange(long? startMs, long endMs, long nowMs, DateTimeOffset startTime, DateTimeOffset endTime)
        {
            if (startMs.HasValue && startMs.Value >= endMs)
            {
                ThrowValidationError(
                    ErrorIds.InvalidTimeRange,
                    $"-StartTime ({Normalize.Describe(startMs.Value)}) must be before -EndTime ({Normalize.Describe(endMs)}).",
                    startTime);
            }

            string outOfBounds = TimeWindows.OutOfBounds(startMs ?? 0, endMs, nowMs);
            if (outOfBounds != null)
            {
                ThrowValidationError(ErrorIds.InvalidTimeRange, outOfBounds, MyInvocation.BoundParameters.ContainsKey("EndTime") ? endTime : startTime);
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
                    return "The service throttled the request for longer than the throttle budget allows (Set-CdnConfig -ThrottleBudgetSec, CDNTASKS_THROTTLE_BUDGET_SEC; 120 s by default), or asked to wait longer than the maximum retry delay: other clients may be using this account's limit. Retry later, allow a longer budget, or lower the rate (Set-CdnConfig -RateLimit, CDNTASKS_RATE_LIMIT).";
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
