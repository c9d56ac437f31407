using Microsoft.EntityFrameworkCore;
using Viaduct.Shared.Data.Model;

namespace Viaduct.Shared.Data;

/// <summary>The model of Viaduct's tables. Migrations live in the Viaduct.Migrations assembly, their one owner.</summary>
public sealed class ViaductDbContext(DbContextOptions<ViaductDbContext> options) : DbContext(options)
{
    public const string MigrationsAssembly = "Viaduct.Migrations";

    public DbSet<ImportedFile> Files => Set<ImportedFile>();
    public DbSet<TestResult> TestResults => Set<TestResult>();
    public DbSet<About> Abouts => Set<About>();
    public DbSet<AboutSighting> AboutSightings => Set<AboutSighting>();
    public DbSet<BadRow> BadRows => Set<BadRow>();
    public DbSet<EventRecord> Events => Set<EventRecord>();
    public DbSet<County> Counties => Set<County>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<PersonKey> PersonKeys => Set<PersonKey>();
    public DbSet<IndexCase> IndexCases => Set<IndexCase>();
    public DbSet<LabResult> LabResults => Set<LabResult>();
    public DbSet<MergeConflict> MergeConflicts => Set<MergeConflict>();
    public DbSet<TransformOutcome> TransformOutcomes => Set<TransformOutcome>();
    public DbSet<PostAttempt> PostAttempts => Set<PostAttempt>();
    public DbSet<EngineHost> EngineHosts => Set<EngineHost>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<ImportedFile>(file =>
        {
            file.ToTable("files", t => t.HasCheckConstraint(
                "ck_files_state", "state IN ('received', 'processing', 'processed', 'duplicate', 'failed')"));
            file.Property(f => f.ETag).HasColumnName("etag");
            file.Property(f => f.State).HasDefaultValue(FileState.Received);
            file.Property(f => f.CountyStats).HasColumnType("jsonb");
            file.Property(f => f.RowCount).HasDefaultValue(0);
            file.Property(f => f.NewCount).HasDefaultValue(0);
            file.Property(f => f.DuplicateCount).HasDefaultValue(0);
            file.Property(f => f.BadCount).HasDefaultValue(0);
            file.Property(f => f.Attempts).HasDefaultValue(0);
            file.Property(f => f.ReceivedAt).HasDefaultValueSql("now()");
            file.HasIndex(f => new { f.Bucket, f.ObjectKey, f.ETag }).IsUnique();
            // The same content under another key is recognised; only one processed file may hold it.
            file.HasIndex(f => f.ContentSha256).IsUnique().HasFilter("state = 'processed'");
            // E1's ready state: files nobody has finished, found without scanning history.
            file.HasIndex(f => f.ReceivedAt).HasDatabaseName("ix_files_unfinished")
                .HasFilter("state IN ('received', 'processing')");
            file.HasOne<ImportedFile>().WithMany().HasForeignKey(f => f.DuplicateOfFileId);
            // E1's replay queue: files an operator asked to import again.
            file.HasIndex(f => f.ReplayRequestedAt).HasDatabaseName("ix_files_replay_requested")
                .HasFilter("replay_requested_at IS NOT NULL");
        });

        modelBuilder.Entity<TestResult>(result =>
        {
            result.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
            // No foreign keys on the bulk tables: a per-row RI trigger would cost more than the COPY
            // itself, and files rows are never deleted.
            // Rows arrive file by file, so file_id follows the physical order: a BRIN index finds a file's rows
            // and costs next to nothing to keep up during a COPY, where a B-tree would cost one insert per row.
            result.HasIndex(r => r.FileId).HasMethod("brin");
            // E2's ready state. New ids only ever append to this index, and claimed rows leave it.
            result.HasIndex(r => r.Id).HasDatabaseName("ix_test_results_transform_ready").HasFilter("transformed_at IS NULL");
        });

        modelBuilder.Entity<About>(about =>
        {
            about.HasKey(a => a.Checksum);
            // Re-sent exports update last-seen on most rows: room on the page keeps those updates HOT.
            about.HasStorageParameter("fillfactor", 70);
            about.Property(a => a.FirstSeenAt).HasDefaultValueSql("now()");
            about.Property(a => a.LastSeenAt).HasDefaultValueSql("now()");
        });

        modelBuilder.Entity<AboutSighting>(sighting =>
        {
            sighting.HasIndex(s => s.SeenAt);
        });

        modelBuilder.Entity<BadRow>(bad =>
        {
            bad.Property(b => b.CreatedAt).HasDefaultValueSql("now()");
            bad.HasIndex(b => new { b.FileId, b.LineNumber });
        });

        OnTransformModelCreating(modelBuilder);
        OnSyncModelCreating(modelBuilder);
        OnOperationsModelCreating(modelBuilder);

        modelBuilder.Entity<EventRecord>(evt =>
        {
            evt.ToTable("events");
            evt.Property(e => e.OccurredAt).HasDefaultValueSql("now()");
            evt.Property(e => e.Detail).HasColumnType("jsonb");
            evt.HasIndex(e => new { e.SubjectType, e.SubjectId });
        });
    }

    // E2's tables: counties, people, index cases, lab results and what each transformation came to.
    private static void OnTransformModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<County>(county =>
        {
            county.HasKey(c => c.Fips);
            county.Property(c => c.UpdatedAt).HasDefaultValueSql("now()");
        });

        modelBuilder.Entity<Person>(person =>
        {
            person.Property(p => p.PatientKeys).HasDefaultValueSql("'{}'");
            person.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
            person.Property(p => p.UpdatedAt).HasDefaultValueSql("now()");
            // One person per identity. Writers hold an advisory lock on the identity first, so this never fires
            // in normal work; it is the guarantee, not the mechanism.
            person.HasIndex(p => p.IdentityKey).IsUnique().HasFilter("identity_key IS NOT NULL");
        });

        modelBuilder.Entity<PersonKey>(key =>
        {
            key.HasKey(k => k.PatientKey);
            key.HasIndex(k => k.PersonId);
            key.HasOne<Person>().WithMany().HasForeignKey(k => k.PersonId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<IndexCase>(indexCase =>
        {
            indexCase.ToTable("index_cases", t => t.HasCheckConstraint(
                "ck_index_cases_transfer_state", "transfer_state IN ('none', 'pending', 'sent')"));
            indexCase.Property(c => c.Properties).HasColumnType("jsonb");
            indexCase.Property(c => c.TransferState).HasDefaultValue(IndexCaseTransferState.None);
            indexCase.Property(c => c.Closed).HasDefaultValue(false);
            indexCase.Property(c => c.RegisteredInError).HasDefaultValue(false);
            indexCase.Property(c => c.Version).HasDefaultValue(1);
            indexCase.Property(c => c.ChangedAt).HasDefaultValueSql("now()");
            indexCase.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
            indexCase.ToTable(t => t.HasCheckConstraint(
                "ck_index_cases_post_state", "post_state IN ('enqueued', 'posted', 'parked', 'failed')"));
            indexCase.Property(c => c.EnqueuedVersion).HasDefaultValue(0);
            indexCase.Property(c => c.PostedVersion).HasDefaultValue(0);
            // E3's ready state: postable cases changed since they were last enqueued, with no job, not parked.
            indexCase.HasIndex(c => c.ChangedAt).HasDatabaseName("ix_index_cases_post_ready")
                .HasFilter("postable AND version > enqueued_version AND (post_state IS NULL OR post_state = 'posted')");
            indexCase.HasIndex(c => c.PostState).HasFilter("post_state IN ('enqueued', 'parked', 'failed')");
            indexCase.HasIndex(c => new { c.PersonId, c.CountyFips });
            indexCase.HasIndex(c => c.CaseId);
            indexCase.HasOne<Person>().WithMany().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Restrict);
            indexCase.HasOne<County>().WithMany().HasForeignKey(c => c.CountyFips).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<LabResult>(labResult =>
        {
            labResult.Property(l => l.Properties).HasColumnType("jsonb");
            labResult.Property(l => l.Version).HasDefaultValue(1);
            labResult.Property(l => l.ChangedAt).HasDefaultValueSql("now()");
            labResult.Property(l => l.CreatedAt).HasDefaultValueSql("now()");
            labResult.HasIndex(l => new { l.IndexCaseId, l.AccessionNumber }).IsUnique();
            labResult.Property(l => l.PostedVersion).HasDefaultValue(0);
            labResult.HasOne<IndexCase>().WithMany().HasForeignKey(l => l.IndexCaseId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<MergeConflict>(conflict =>
        {
            conflict.Property(c => c.RecordedAt).HasDefaultValueSql("now()");
            conflict.HasIndex(c => new { c.SubjectType, c.SubjectId });
            conflict.HasIndex(c => c.TestResultId);
        });

        modelBuilder.Entity<PostAttempt>(attempt =>
        {
            attempt.ToTable("post_attempts", t => t.HasCheckConstraint(
                "ck_post_attempts_outcome", "outcome IN ('succeeded', 'rerouted', 'failed', 'parked', 'discarded')"));
            attempt.Property(a => a.AttemptedAt).HasDefaultValueSql("now()");
            attempt.HasIndex(a => a.IndexCaseId);
        });

        modelBuilder.Entity<TransformOutcome>(outcome =>
        {
            outcome.ToTable("transform_outcomes", t => t.HasCheckConstraint(
                "ck_transform_outcomes_outcome", "outcome IN ('transformed', 'no_new_information', 'ignored', 'failed')"));
            outcome.Property(o => o.RecordedAt).HasDefaultValueSql("now()");
            outcome.HasIndex(o => o.TestResultId);
            outcome.HasIndex(o => o.PersonId);
        });
    }

    // What each running engine process last reported about itself, for the operator page and `viaduct status`.
    private static void OnOperationsModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<EngineHost>(host =>
        {
            host.ToTable("engine_hosts");
            host.HasKey(h => new { h.Engine, h.Host });
            host.Property(h => h.StartedAt).HasDefaultValueSql("now()");
            host.Property(h => h.SeenAt).HasDefaultValueSql("now()");
        });
    }

    // E5's tables: a cursor per CommCare domain, one row per pull, and the fields each pull took into a local case.
    private static void OnSyncModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SyncCursor>(cursor =>
        {
            cursor.ToTable("sync_cursors");
            cursor.HasKey(c => c.Domain);
            cursor.Property(c => c.NextSyncAt).HasDefaultValueSql("now()");
            cursor.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
            cursor.Property(c => c.Failures).HasDefaultValue(0);
            cursor.Property(c => c.CasesSynced).HasDefaultValue(0L);
            // E5's ready state: domains due for a pull.
            cursor.HasIndex(c => c.NextSyncAt);
        });

        modelBuilder.Entity<SyncRun>(run =>
        {
            run.ToTable("sync_runs", t => t.HasCheckConstraint("ck_sync_runs_outcome", "outcome IN ('running', 'succeeded', 'failed')"));
            run.Property(r => r.StartedAt).HasDefaultValueSql("now()");
            run.HasIndex(r => new { r.Domain, r.StartedAt });
        });

        modelBuilder.Entity<SyncChange>(change =>
        {
            change.ToTable("sync_changes", t => t.HasCheckConstraint("ck_sync_changes_kind", "kind IN ('updated', 'created', 'transferred')"));
            change.Property(c => c.SyncedAt).HasDefaultValueSql("now()");
            change.HasIndex(c => c.IndexCaseId);
        });
    }
}
