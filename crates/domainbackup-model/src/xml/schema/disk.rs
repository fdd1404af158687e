//! `<disks>` and each `<disk>` in it, in its push or pull form: the shared `name`,
//! `backupmode` and `incremental` attributes, `backup` and `type`, the children each form
//! holds (`<target>` or `<scratch>`, and `<driver>`), and `<driver>` itself.
//!
//! Whether a push mode `<disk>` may leave out `type` is asked of
//! [`Profile`](crate::profile::Profile); the content of `<target>` and `<scratch>` is checked
//! in `store`, not here.

use super::checker::{Checker, Mode, StoreType, TextRule, element_not_allowed};
use super::datatypes::{is_disk_target_dev, token_is};
use super::{Checked, Quoted, SchemaViolation, violation};
use crate::rules;
use crate::vocabulary;
use crate::xml::tree::{Attribute, Element};

impl Checker {
    pub(super) fn disks(&self, e: &Element, mode: Mode) -> Checked {
        self.attributes(
            e,
            [],
            &rules::SCHEMA_DISKS_UNKNOWN_ATTRIBUTE,
            "<disks> takes no attributes",
        )?;
        let mut any = false;
        self.children(e, TextRule::Blank, |c| {
            if c.name == "disk" {
                any = true;
                match mode {
                    Mode::Push => self.push_disk(c),
                    Mode::Pull => self.pull_disk(c),
                }
            } else {
                Err(element_not_allowed(
                    c,
                    e,
                    "<disks> holds only <disk> elements",
                ))
            }
        })?;
        if !any {
            return Err(violation(
                &rules::SCHEMA_DISKS_EMPTY,
                e.position,
                format_args!("<disks> must hold at least one <disk>; it has none"),
            ));
        }
        Ok(())
    }

    /// The attributes both disk forms share: `name` and `backupDiskMode`.
    fn disk_common(
        &self,
        e: &Element,
        name: Option<&Attribute>,
        backupmode: Option<&Attribute>,
        incremental: Option<&Attribute>,
    ) -> Checked {
        let Some(name) = name else {
            return Err(violation(
                &rules::SCHEMA_DISK_NAME_REQUIRED,
                e.position,
                format_args!(
                    "<disk> needs attribute 'name' (the disk target, e.g. 'vda'); it is missing"
                ),
            ));
        };
        if !is_disk_target_dev(&name.value) {
            return Err(violation(
                &rules::SCHEMA_DISK_NAME_PATTERN,
                name.position,
                format_args!(
                    "attribute 'name' of <disk> is {}; expected a disk target matching (ioemu:)?(fd|hd|sd|vd|xvd|ubd)[a-zA-Z0-9_]+",
                    Quoted(&name.value)
                ),
            ));
        }
        if let Some(mode) = backupmode {
            if token_is(&mode.value, "full") {
                if let Some(inc) = incremental {
                    return Err(violation(
                        &rules::SCHEMA_DISK_BACKUPMODE_FULL_WITH_INCREMENTAL,
                        inc.position,
                        format_args!(
                            "<disk name={}> has backupmode='full' and incremental={}; 'incremental' is only allowed with backupmode='incremental' or without backupmode",
                            Quoted(&name.value),
                            Quoted(&inc.value)
                        ),
                    ));
                }
            } else if !token_is(&mode.value, "incremental") {
                return Err(violation(
                    &rules::SCHEMA_DISK_BACKUPMODE_VALUE,
                    mode.position,
                    format_args!(
                        "attribute 'backupmode' of <disk name={}> is {}; expected 'full' or 'incremental'",
                        Quoted(&name.value),
                        Quoted(&mode.value)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `backup` and `type`: `Ok((backup_no, type))`.
    fn disk_backup_and_type(
        &self,
        backup: Option<&Attribute>,
        kind: Option<&Attribute>,
    ) -> Result<(bool, Option<StoreType>), SchemaViolation> {
        let backup_no = match backup {
            None => false,
            Some(a) if token_is(&a.value, "yes") => false,
            Some(a) if token_is(&a.value, "no") => true,
            Some(a) => {
                return Err(violation(
                    &rules::SCHEMA_DISK_BACKUP_VALUE,
                    a.position,
                    format_args!(
                        "attribute 'backup' of <disk> is {}; expected 'yes' or 'no'",
                        Quoted(&a.value)
                    ),
                ));
            }
        };
        let store = match kind {
            None => None,
            Some(a) if token_is(&a.value, "file") => Some(StoreType::File),
            Some(a) if token_is(&a.value, "block") => Some(StoreType::Block),
            Some(a) => {
                return Err(violation(
                    &rules::SCHEMA_DISK_TYPE_VALUE,
                    a.position,
                    format_args!(
                        "attribute 'type' of <disk> is {}; expected 'file' or 'block'",
                        Quoted(&a.value)
                    ),
                ));
            }
        };
        if let Some(a) = kind.filter(|_| backup_no) {
            return Err(violation(
                &rules::SCHEMA_DISK_BACKUP_NO_WITH_TYPE,
                a.position,
                format_args!(
                    "<disk backup='no'> must not have attribute 'type' (here {})",
                    Quoted(&a.value)
                ),
            ));
        }
        Ok((backup_no, store))
    }

    fn push_disk(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            [
                "name",
                "backupmode",
                "incremental",
                "backup",
                "type",
                "exportname",
                "exportbitmap",
            ],
            &rules::SCHEMA_DISK_UNKNOWN_ATTRIBUTE,
            "a push mode <disk> takes name, backupmode, incremental, backup and type",
        )?;
        for i in [5, 6] {
            if let Some(a) = attrs.get(i) {
                return Err(violation(
                    &rules::SCHEMA_PUSH_DISK_EXPORT_FORBIDDEN,
                    a.position,
                    format_args!(
                        "attribute '{}' (value {}) is only allowed on a pull mode <disk>; this backup is push",
                        a.name,
                        Quoted(&a.value)
                    ),
                ));
            }
        }
        self.disk_common(e, attrs.get(0), attrs.get(1), attrs.get(2))?;
        let (backup_no, store) = self.disk_backup_and_type(attrs.get(3), attrs.get(4))?;
        if backup_no {
            return self.children(e, TextRule::Blank, |c| Err(backup_no_children(c)));
        }
        let Some(store) = store else {
            if !self.profile.schema_allows_plain_push_disk() {
                return Err(violation(
                    &rules::SCHEMA_PUSH_DISK_TYPE_REQUIRED,
                    e.position,
                    format_args!(
                        "a push mode <disk> without backup='no' needs attribute 'type' ('file' or 'block') in libvirt {}",
                        self.profile.release()
                    ),
                ));
            }
            return self.children(e, TextRule::Blank, |c| {
                if c.name == "target" || c.name == "driver" {
                    Err(violation(
                        &rules::SCHEMA_PUSH_DISK_CHILDREN_NEED_TYPE,
                        c.position,
                        format_args!("<{}> inside a push mode <disk> needs attribute 'type' ('file' or 'block') on the <disk>", c.name),
                    ))
                } else {
                    Err(element_not_allowed(c, e, "a push mode <disk> holds <target> and <driver>"))
                }
            });
        };
        let mut target = false;
        let mut driver = false;
        self.children(e, TextRule::Blank, |c| match &*c.name {
            "target" => {
                if std::mem::replace(&mut target, true) {
                    return Err(violation(
                        &rules::SCHEMA_DISK_TARGET_DUPLICATE,
                        c.position,
                        format_args!("a second <target> in a <disk>; at most one is allowed"),
                    ));
                }
                self.store(c, store, false)
            }
            "driver" => {
                if std::mem::replace(&mut driver, true) {
                    return Err(duplicate_driver(c));
                }
                self.driver(c, Mode::Push)
            }
            _ => Err(element_not_allowed(
                c,
                e,
                "a push mode <disk> holds <target> and <driver>",
            )),
        })
    }

    fn pull_disk(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            ["name", "backupmode", "incremental", "backup", "type", "exportname", "exportbitmap"],
            &rules::SCHEMA_DISK_UNKNOWN_ATTRIBUTE,
            "a pull mode <disk> takes name, backupmode, incremental, exportname, exportbitmap, backup and type",
        )?;
        self.disk_common(e, attrs.get(0), attrs.get(1), attrs.get(2))?;
        let (backup_no, store) = self.disk_backup_and_type(attrs.get(3), attrs.get(4))?;
        if backup_no {
            return self.children(e, TextRule::Blank, |c| Err(backup_no_children(c)));
        }
        if let Some(backup) = attrs.get(3).filter(|_| store.is_none()) {
            return Err(violation(
                &rules::SCHEMA_PULL_DISK_BACKUP_YES_NEEDS_TYPE,
                backup.position,
                format_args!(
                    "a pull mode <disk> with backup={} also needs attribute 'type' ('file' or 'block')",
                    Quoted(&backup.value)
                ),
            ));
        }
        let store = store.unwrap_or(StoreType::File);
        let mut scratch = false;
        let mut driver: Option<&Element> = None;
        self.children(e, TextRule::Blank, |c| match &*c.name {
            "scratch" => {
                if std::mem::replace(&mut scratch, true) {
                    return Err(violation(
                        &rules::SCHEMA_DISK_SCRATCH_DUPLICATE,
                        c.position,
                        format_args!("a second <scratch> in a <disk>; at most one is allowed"),
                    ));
                }
                self.store(c, store, true)
            }
            "driver" => {
                if driver.replace(c).is_some() {
                    return Err(duplicate_driver(c));
                }
                self.driver(c, Mode::Pull)
            }
            _ => Err(element_not_allowed(
                c,
                e,
                "a pull mode <disk> holds <scratch> and <driver>",
            )),
        })?;
        if !scratch {
            if store == StoreType::Block {
                return Err(violation(
                    &rules::SCHEMA_PULL_BLOCK_SCRATCH_REQUIRED,
                    e.position,
                    format_args!(
                        "a pull mode <disk type='block'> needs a <scratch dev='...'> element; none was found"
                    ),
                ));
            }
            if let Some(d) = driver {
                return Err(violation(
                    &rules::SCHEMA_PULL_DRIVER_WITHOUT_SCRATCH,
                    d.position,
                    format_args!(
                        "<driver> in a pull mode <disk> is only allowed together with <scratch>"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn driver(&self, e: &Element, mode: Mode) -> Checked {
        let attrs = self.attributes(
            e,
            ["type"],
            &rules::SCHEMA_DRIVER_UNKNOWN_ATTRIBUTE,
            "<driver> takes only 'type'",
        )?;
        let Some(kind) = attrs.get(0) else {
            return Err(violation(
                &rules::SCHEMA_DRIVER_TYPE_REQUIRED,
                e.position,
                format_args!("<driver> needs attribute 'type' (the image format); it is missing"),
            ));
        };
        match mode {
            Mode::Push => {
                if !vocabulary::STORAGE_FORMATS
                    .iter()
                    .any(|f| token_is(&kind.value, f))
                {
                    return Err(violation(
                        &rules::SCHEMA_DRIVER_TYPE_VALUE,
                        kind.position,
                        format_args!(
                            "attribute 'type' of <driver> is {}; expected a storage format ({})",
                            Quoted(&kind.value),
                            vocabulary::STORAGE_FORMATS.join(", ")
                        ),
                    ));
                }
            }
            Mode::Pull => {
                if !token_is(&kind.value, "qcow2") {
                    return Err(violation(
                        &rules::SCHEMA_DRIVER_TYPE_QCOW2,
                        kind.position,
                        format_args!(
                            "attribute 'type' of <driver> in a pull mode backup is {}; only 'qcow2' is allowed",
                            Quoted(&kind.value)
                        ),
                    ));
                }
            }
        }
        self.children(e, TextRule::Blank, |c| {
            Err(element_not_allowed(c, e, "<driver> has no content"))
        })
    }
}

#[cold]
fn backup_no_children(c: &Element) -> SchemaViolation {
    violation(
        &rules::SCHEMA_DISK_BACKUP_NO_WITH_CHILDREN,
        c.position,
        format_args!(
            "<{}> is not allowed inside a <disk backup='no'>, which has no content",
            c.name
        ),
    )
}

#[cold]
fn duplicate_driver(c: &Element) -> SchemaViolation {
    violation(
        &rules::SCHEMA_DISK_DRIVER_DUPLICATE,
        c.position,
        format_args!("a second <driver> in a <disk>; at most one is allowed"),
    )
}
