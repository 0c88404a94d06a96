# NixOS module for storegc's scheduled garbage collection (issue 9): the options of `nix.gc`
# (automatic, dates, randomizedDelaySec, persistent, options) plus typed ones that map to
# `storegc gc` flags. Replaces nix.gc: set `nix.gc.automatic = false` when enabling this.
#
#   services.storegc = {
#     automatic = true;
#     dates = "hourly";
#     ensureFree = "30%";
#     keepRecent = "24h";
#     deleteOlderThan = "30d";
#     metricsFile = "/var/lib/prometheus-node-exporter-text-files/storegc.prom";
#   };
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkIf mkOption optional optionals types escapeShellArgs;

  cfg = config.services.storegc;

  duration = types.strMatching "[0-9]+[dhms]";
  sizeOrPercent = types.strMatching "[0-9]+([KMGTkmgt]?|%)";

  flag = name: value: optionals (value != null) [ name (toString value) ];

  flags =
    flag "--ensure-free" cfg.ensureFree
    ++ flag "--min-free" cfg.minFree
    ++ flag "--keep-recent" cfg.keepRecent
    ++ flag "--delete-older-than" cfg.deleteOlderThan
    ++ flag "--keep-generations" cfg.keepGenerations
    ++ flag "--prune-auto-roots" cfg.pruneAutoRoots
    ++ flag "--metrics-file" cfg.metricsFile;
in
{
  options.services.storegc = {
    package = mkOption {
      type = types.package;
      description = "The storegc package to run.";
    };

    automatic = mkOption {
      type = types.bool;
      default = false;
      description = "Run storegc gc at the times given by `dates` (as nix.gc.automatic).";
    };

    dates = mkOption {
      type = types.singleLineStr;
      default = "03:15";
      example = "hourly";
      description = "When to run, a systemd.time(7) calendar event (as nix.gc.dates).";
    };

    randomizedDelaySec = mkOption {
      type = types.singleLineStr;
      default = "0";
      example = "45min";
      description = "Random delay added to each run, a systemd.time(7) span (as nix.gc.randomizedDelaySec).";
    };

    persistent = mkOption {
      type = types.bool;
      default = true;
      description = "Catch up on a run missed while the machine was off (as nix.gc.persistent).";
    };

    options = mkOption {
      type = types.singleLineStr;
      default = "";
      example = "--max-freed 64G --order lru";
      description = "Further `storegc gc` flags, appended verbatim (as nix.gc.options).";
    };

    ensureFree = mkOption {
      type = types.nullOr sizeOrPercent;
      default = null;
      example = "30%";
      description = "Collect until the store's file system has this much free space (`--ensure-free`).";
    };

    minFree = mkOption {
      type = types.nullOr sizeOrPercent;
      default = null;
      example = "10%";
      description = "Do nothing unless free space is below this (`--min-free`).";
    };

    keepRecent = mkOption {
      type = types.nullOr duration;
      default = null;
      example = "24h";
      description = "Paths registered within this long are roots, with their closure (`--keep-recent`).";
    };

    deleteOlderThan = mkOption {
      type = types.nullOr duration;
      default = null;
      example = "30d";
      description = "Remove profile generations older than this, keeping the one current then (`--delete-older-than`).";
    };

    keepGenerations = mkOption {
      type = types.nullOr types.ints.unsigned;
      default = null;
      example = 3;
      description = "Always keep this many newest generations of each profile (`--keep-generations`).";
    };

    pruneAutoRoots = mkOption {
      type = types.nullOr duration;
      default = null;
      example = "30d";
      description = "Remove auto roots (result links) older than this (`--prune-auto-roots`).";
    };

    metricsFile = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "/var/lib/prometheus-node-exporter-text-files/storegc.prom";
      description = "Write Prometheus metrics for node_exporter's textfile collector here (`--metrics-file`).";
    };
  };

  config = mkIf cfg.automatic {
    assertions = [
      {
        assertion = !config.nix.gc.automatic;
        message = "services.storegc.automatic and nix.gc.automatic both collect the store; enable one.";
      }
    ];

    systemd.services.storegc = {
      description = "Nix store garbage collection (storegc)";
      startAt = cfg.dates;
      path = [ pkgs.util-linux ];
      # /nix/store is a read-only bind mount on NixOS: like nix-daemon, make it writable in the
      # service's own mount namespace only (PrivateMounts).
      script = ''
        if mountpoint -q /nix/store; then mount -o remount,rw,bind /nix/store; fi
        exec ${cfg.package}/bin/storegc gc ${escapeShellArgs flags} ${cfg.options}
      '';
      serviceConfig = {
        Type = "oneshot";
        PrivateMounts = true;
        Nice = 19;
        IOSchedulingClass = "idle";
        CPUSchedulingPolicy = "batch";
        # Not PrivateTmp, ProtectHome or ProtectProc: hiding /tmp, /home or other processes
        # would hide roots (see contrib/systemd/storegc.service).
        ProtectSystem = "full";
        ReadWritePaths = [ "/nix/store" "/nix/var/nix" ]
          ++ optional (cfg.metricsFile != null) "-${dirOf cfg.metricsFile}";
        NoNewPrivileges = true;
        PrivateDevices = true;
        ProtectKernelTunables = true;
        ProtectKernelModules = true;
        ProtectKernelLogs = true;
        ProtectControlGroups = true;
        ProtectClock = true;
        ProtectHostname = true;
        RestrictSUIDSGID = true;
        RestrictRealtime = true;
        RestrictNamespaces = true;
        RestrictAddressFamilies = [ "AF_UNIX" ];
        LockPersonality = true;
        SystemCallArchitectures = "native";
      };
    };

    systemd.timers.storegc.timerConfig = {
      RandomizedDelaySec = cfg.randomizedDelaySec;
      Persistent = cfg.persistent;
    };
  };
}
