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
        });

        modelBuilder.Entity<TestResult>(result =>
        {
            result.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
            // No foreign keys on the bulk tables: a per-row RI trigger would cost more than the COPY
            // itself, and files rows are never deleted.
            // Rows arrive file by file, so file_id follows the physical order: a BRIN index finds a file's rows
            // and costs next to nothing to keep up during a COPY, where a B-tree would cost one insert per row.
            result.HasIndex(r => r.FileId).HasMethod("brin");
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

        modelBuilder.Entity<EventRecord>(evt =>
        {
            evt.ToTable("events");
            evt.Property(e => e.OccurredAt).HasDefaultValueSql("now()");
            evt.Property(e => e.Detail).HasColumnType("jsonb");
            evt.HasIndex(e => new { e.SubjectType, e.SubjectId });
        });
    }
}
