# zero-to-jupyterhub's handling of a values file, for the parts hub/examples/z2jh-ldap/values.yaml
# uses, done as the chart's hub image does it (its jupyterhub_config.py, read from the chart's
# repository): hub.config sections merged into the config, hub.extraFiles handed to the hub,
# hub.extraConfig executed in key order, singleuser.* turned into KubeSpawner settings. A key this
# file does not model is an error, so the test cannot pass over something the recipe says.
# Not modelled because the recipe does not set them: the chart's defaults for everything else
# (among them singleuser.cloudMetadata.blockWithIptables, a privileged init container that blocks
# the cloud metadata address, and the chart's network policies).

import importlib.util
import os
import sys

import yaml

MODELLED = {
    "hub": {"extraFiles", "config", "extraConfig"},
    "singleuser": {"image", "cmd", "uid", "fsGid", "allowPrivilegeEscalation", "storage"},
}
STORAGE = {"type", "extraVolumes", "extraVolumeMounts"}


def load(c, values_file, extra_files):
    """Applies the values file to `c`. `extra_files` maps each hub.extraFiles key to the file the
    helm command line gives it (--set-file hub.extraFiles.KEY.stringData=FILE)."""
    with open(values_file, encoding="utf-8") as f:
        values = yaml.safe_load(f)
    unknown = [f"{top}.{k}" for top, keys in values.items() for k in (keys if isinstance(keys, dict) else {top: 1})
               if top not in MODELLED or k not in MODELLED[top]]
    unknown += [f"singleuser.storage.{k}" for k in values.get("singleuser", {}).get("storage", {}) if k not in STORAGE]
    if unknown:
        raise SystemExit(f"test/e2e/hub/z2jh.py does not model {', '.join(sorted(unknown))}: teach it, as the chart does it")
    hub, single = values.get("hub", {}), values.get("singleuser", {})

    c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
    c.KubeSpawner.namespace = os.environ.get("POD_NAMESPACE", "default")

    # hub.extraFiles: the chart mounts each at its mountPath in the hub pod. A Python module there is
    # what the hub imports, so it is imported from the file helm was given, under its own name
    # (the extraConfig's sys.path entry for the mount then finds it already imported).
    for key, spec in hub.get("extraFiles", {}).items():
        name, ext = os.path.splitext(os.path.basename(spec["mountPath"]))
        if ext != ".py":
            raise SystemExit(f"hub.extraFiles.{key}: only Python modules are modelled")
        module_spec = importlib.util.spec_from_file_location(name, extra_files[key])
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        sys.modules[name] = module

    # singleuser.*, as the chart maps them.
    image = single.get("image", {})
    if image.get("name"):
        c.KubeSpawner.image = f"{image['name']}:{image['tag']}" if image.get("tag") else image["name"]
    if "cmd" in single:
        c.Spawner.cmd = single["cmd"]
    if single.get("uid") is not None:
        c.KubeSpawner.uid = single["uid"]
    if single.get("fsGid") is not None:
        c.KubeSpawner.fs_gid = single["fsGid"]
    c.KubeSpawner.allow_privilege_escalation = single.get("allowPrivilegeEscalation")
    storage = single.get("storage", {})
    if storage.get("type") not in (None, "none"):
        raise SystemExit("singleuser.storage.type: only none is modelled")
    volumes = {v["name"]: v for v in storage.get("extraVolumes", [])}
    mounts = {f"{i}-{m['name']}": m for i, m in enumerate(storage.get("extraVolumeMounts", []))}
    c.KubeSpawner.volumes = volumes
    c.KubeSpawner.volume_mounts = mounts

    # hub.config: each section merged, as the chart does.
    for section, cfg in hub.get("config", {}).items():
        c[section].update(cfg)

    # hub.extraConfig: executed in key order, with the config's own globals.
    for key, code in sorted(hub.get("extraConfig", {}).items()):
        exec(compile(code, f"hub.extraConfig.{key}", "exec"), {"c": c, "__name__": f"z2jh_extra_{key}"})
    return values
