/* cdi-disk.c - one encrypted disk image as the user registered it
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cdi-disk.h"
#include "cdi-error.h"
#include "cdi-password-command.h"

G_DEFINE_ENUM_TYPE (CdiPassphraseSource, cdi_passphrase_source,
                    G_DEFINE_ENUM_VALUE (CDI_PASSPHRASE_SOURCE_ASK, "ask"),
                    G_DEFINE_ENUM_VALUE (CDI_PASSPHRASE_SOURCE_KEYRING, "keyring"),
                    G_DEFINE_ENUM_VALUE (CDI_PASSPHRASE_SOURCE_COMMAND, "command"))

G_DEFINE_ENUM_TYPE (CdiTristate, cdi_tristate,
                    G_DEFINE_ENUM_VALUE (CDI_TRISTATE_DEFAULT, "default"),
                    G_DEFINE_ENUM_VALUE (CDI_TRISTATE_FALSE, "false"),
                    G_DEFINE_ENUM_VALUE (CDI_TRISTATE_TRUE, "true"))

struct _CdiDisk
{
  GObject parent_instance;

  char *name;
  char *image;
  char *mountpoint;
  char *uuid;
  CdiPassphraseSource passphrase_source;
  char *password_command;
  CdiTristate close_on_lock;
  CdiTristate close_on_suspend;
  CdiTristate close_on_logout;
  int close_when_idle_minutes;
  gboolean trim;
  gboolean is_default;
  gboolean open_at_login;
};

G_DEFINE_FINAL_TYPE (CdiDisk, cdi_disk, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_NAME,
  PROP_IMAGE,
  PROP_MOUNTPOINT,
  PROP_UUID,
  PROP_PASSPHRASE_SOURCE,
  PROP_PASSWORD_COMMAND,
  PROP_CLOSE_ON_LOCK,
  PROP_CLOSE_ON_SUSPEND,
  PROP_CLOSE_ON_LOGOUT,
  PROP_CLOSE_WHEN_IDLE_MINUTES,
  PROP_TRIM,
  PROP_DEFAULT,
  PROP_OPEN_AT_LOGIN,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

/* The values written in disks.conf */
const char *
cdi_passphrase_source_to_string (CdiPassphraseSource source)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (CDI_TYPE_PASSPHRASE_SOURCE);
  GEnumValue *value = g_enum_get_value (klass, (int) source);

  return value != NULL ? value->value_nick : NULL;
}

gboolean
cdi_passphrase_source_from_string (const char          *text,
                                   CdiPassphraseSource *ret_source)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (CDI_TYPE_PASSPHRASE_SOURCE);
  GEnumValue *value = text != NULL ? g_enum_get_value_by_nick (klass, text) : NULL;

  if (value == NULL)
    return FALSE;
  *ret_source = (CdiPassphraseSource) value->value;
  return TRUE;
}

gboolean
cdi_tristate_resolve (CdiTristate value,
                      gboolean    fallback)
{
  return value == CDI_TRISTATE_DEFAULT ? fallback : value == CDI_TRISTATE_TRUE;
}

/* [A-Za-z0-9._-]{1,64}, and not "." or "..": the helper's rule for disk names */
gboolean
cdi_disk_name_is_valid (const char *name)
{
  gsize len;

  if (name == NULL)
    return FALSE;
  len = strlen (name);
  if (len < 1 || len > CDI_DISK_NAME_MAX || g_str_equal (name, ".") || g_str_equal (name, ".."))
    return FALSE;
  return strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

static void
cdi_disk_finalize (GObject *object)
{
  CdiDisk *self = CDI_DISK (object);

  g_free (self->name);
  g_free (self->image);
  g_free (self->mountpoint);
  g_free (self->uuid);
  g_free (self->password_command);
  G_OBJECT_CLASS (cdi_disk_parent_class)->finalize (object);
}

static void
cdi_disk_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  CdiDisk *self = CDI_DISK (object);

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_IMAGE: g_value_set_string (value, self->image); break;
    case PROP_MOUNTPOINT: g_value_set_string (value, self->mountpoint); break;
    case PROP_UUID: g_value_set_string (value, self->uuid); break;
    case PROP_PASSPHRASE_SOURCE: g_value_set_enum (value, (int) self->passphrase_source); break;
    case PROP_PASSWORD_COMMAND: g_value_set_string (value, self->password_command); break;
    case PROP_CLOSE_ON_LOCK: g_value_set_enum (value, (int) self->close_on_lock); break;
    case PROP_CLOSE_ON_SUSPEND: g_value_set_enum (value, (int) self->close_on_suspend); break;
    case PROP_CLOSE_ON_LOGOUT: g_value_set_enum (value, (int) self->close_on_logout); break;
    case PROP_CLOSE_WHEN_IDLE_MINUTES:
      g_value_set_int (value, self->close_when_idle_minutes);
      break;
    case PROP_TRIM: g_value_set_boolean (value, self->trim); break;
    case PROP_DEFAULT: g_value_set_boolean (value, self->is_default); break;
    case PROP_OPEN_AT_LOGIN: g_value_set_boolean (value, self->open_at_login); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
cdi_disk_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  CdiDisk *self = CDI_DISK (object);

  switch (prop_id)
    {
    case PROP_NAME: self->name = g_value_dup_string (value); break;
    case PROP_IMAGE: cdi_disk_set_image (self, g_value_get_string (value)); break;
    case PROP_MOUNTPOINT: cdi_disk_set_mountpoint (self, g_value_get_string (value)); break;
    case PROP_UUID: cdi_disk_set_uuid (self, g_value_get_string (value)); break;
    case PROP_PASSPHRASE_SOURCE:
      cdi_disk_set_passphrase_source (self, g_value_get_enum (value));
      break;
    case PROP_PASSWORD_COMMAND:
      cdi_disk_set_password_command (self, g_value_get_string (value));
      break;
    case PROP_CLOSE_ON_LOCK: cdi_disk_set_close_on_lock (self, g_value_get_enum (value)); break;
    case PROP_CLOSE_ON_SUSPEND:
      cdi_disk_set_close_on_suspend (self, g_value_get_enum (value));
      break;
    case PROP_CLOSE_ON_LOGOUT: cdi_disk_set_close_on_logout (self, g_value_get_enum (value)); break;
    case PROP_CLOSE_WHEN_IDLE_MINUTES:
      cdi_disk_set_close_when_idle_minutes (self, g_value_get_int (value));
      break;
    case PROP_TRIM: cdi_disk_set_trim (self, g_value_get_boolean (value)); break;
    case PROP_DEFAULT: cdi_disk_set_default (self, g_value_get_boolean (value)); break;
    case PROP_OPEN_AT_LOGIN:
      cdi_disk_set_open_at_login (self, g_value_get_boolean (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static GParamSpec *
tristate_pspec (const char *name)
{
  return g_param_spec_enum (name, NULL, NULL, CDI_TYPE_TRISTATE, CDI_TRISTATE_DEFAULT,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
string_pspec (const char  *name,
              GParamFlags  extra)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | extra);
}

static void
cdi_disk_class_init (CdiDiskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = cdi_disk_finalize;
  object_class->get_property = cdi_disk_get_property;
  object_class->set_property = cdi_disk_set_property;

  props[PROP_NAME] = string_pspec ("name", G_PARAM_CONSTRUCT_ONLY);
  props[PROP_IMAGE] = string_pspec ("image", G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_MOUNTPOINT] = string_pspec ("mountpoint", G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_UUID] = string_pspec ("uuid", G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_PASSPHRASE_SOURCE] =
    g_param_spec_enum ("passphrase-source", NULL, NULL, CDI_TYPE_PASSPHRASE_SOURCE,
                       CDI_PASSPHRASE_SOURCE_ASK, rw);
  props[PROP_PASSWORD_COMMAND] = string_pspec ("password-command", G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_CLOSE_ON_LOCK] = tristate_pspec ("close-on-lock");
  props[PROP_CLOSE_ON_SUSPEND] = tristate_pspec ("close-on-suspend");
  props[PROP_CLOSE_ON_LOGOUT] = tristate_pspec ("close-on-logout");
  props[PROP_CLOSE_WHEN_IDLE_MINUTES] =
    g_param_spec_int ("close-when-idle-minutes", NULL, NULL, CDI_DISK_IDLE_MINUTES_DEFAULT,
                      CDI_DISK_IDLE_MINUTES_MAX, CDI_DISK_IDLE_MINUTES_DEFAULT, rw);
  props[PROP_TRIM] = g_param_spec_boolean ("trim", NULL, NULL, TRUE, rw);
  props[PROP_DEFAULT] = g_param_spec_boolean ("default", NULL, NULL, FALSE, rw);
  props[PROP_OPEN_AT_LOGIN] = g_param_spec_boolean ("open-at-login", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
cdi_disk_init (CdiDisk *self)
{
  self->passphrase_source = CDI_PASSPHRASE_SOURCE_ASK;
  self->close_when_idle_minutes = CDI_DISK_IDLE_MINUTES_DEFAULT;
  self->trim = TRUE;
}

CdiDisk *
cdi_disk_new (const char *name,
              const char *image,
              const char *mountpoint)
{
  return g_object_new (CDI_TYPE_DISK, "name", name, "image", image, "mountpoint", mountpoint, NULL);
}

/* Checks that the settings make a usable disk; the store refuses disks that fail */
gboolean
cdi_disk_validate (CdiDisk  *self,
                   GError  **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CDI_IS_DISK (self), FALSE);

  if (!cdi_disk_name_is_valid (self->name))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("“%s” is not a valid disk name: use 1 to 64 letters, digits, dots, dashes "
                     "and underscores."),
                   self->name != NULL ? self->name : "");
      return FALSE;
    }
  if (self->image == NULL || !g_path_is_absolute (self->image))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("Disk “%s”: the image path must be absolute, not “%s”."),
                   self->name, self->image != NULL ? self->image : "");
      return FALSE;
    }
  if (self->mountpoint == NULL || !g_path_is_absolute (self->mountpoint))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("Disk “%s”: the mount point must be an absolute path, not “%s”."),
                   self->name, self->mountpoint != NULL ? self->mountpoint : "");
      return FALSE;
    }
  if (self->uuid != NULL && !g_uuid_string_is_valid (self->uuid))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("Disk “%s”: “%s” is not a LUKS UUID."), self->name, self->uuid);
      return FALSE;
    }
  if (self->passphrase_source == CDI_PASSPHRASE_SOURCE_COMMAND && self->password_command == NULL)
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("Disk “%s” takes its passphrase from a command, but no password command "
                     "is set."),
                   self->name);
      return FALSE;
    }
  if (self->password_command != NULL
      && !cdi_password_command_parse (self->password_command, NULL, &local_error))
    {
      g_set_error (error, CDI_ERROR, CDI_ERROR_INVALID_INPUT,
                   _("Disk “%s”: %s"), self->name, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Takes every setting of @other except the name, notifying only what changed */
void
cdi_disk_update_from (CdiDisk *self,
                      CdiDisk *other)
{
  g_return_if_fail (CDI_IS_DISK (self) && CDI_IS_DISK (other));

  g_object_freeze_notify (G_OBJECT (self));
  cdi_disk_set_image (self, other->image);
  cdi_disk_set_mountpoint (self, other->mountpoint);
  cdi_disk_set_uuid (self, other->uuid);
  cdi_disk_set_passphrase_source (self, other->passphrase_source);
  cdi_disk_set_password_command (self, other->password_command);
  cdi_disk_set_close_on_lock (self, other->close_on_lock);
  cdi_disk_set_close_on_suspend (self, other->close_on_suspend);
  cdi_disk_set_close_on_logout (self, other->close_on_logout);
  cdi_disk_set_close_when_idle_minutes (self, other->close_when_idle_minutes);
  cdi_disk_set_trim (self, other->trim);
  cdi_disk_set_default (self, other->is_default);
  cdi_disk_set_open_at_login (self, other->open_at_login);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_string (CdiDisk    *self,
            char      **field,
            const char *value,
            int         prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
set_int (CdiDisk *self,
         int     *field,
         int      value,
         int      prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

const char *
cdi_disk_get_name (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), NULL);
  return self->name;
}

const char *
cdi_disk_get_image (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), NULL);
  return self->image;
}

void
cdi_disk_set_image (CdiDisk    *self,
                    const char *image)
{
  g_return_if_fail (CDI_IS_DISK (self));
  set_string (self, &self->image, image, PROP_IMAGE);
}

const char *
cdi_disk_get_mountpoint (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), NULL);
  return self->mountpoint;
}

void
cdi_disk_set_mountpoint (CdiDisk    *self,
                         const char *mountpoint)
{
  g_return_if_fail (CDI_IS_DISK (self));
  set_string (self, &self->mountpoint, mountpoint, PROP_MOUNTPOINT);
}

/* The LUKS UUID; NULL until known */
const char *
cdi_disk_get_uuid (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), NULL);
  return self->uuid;
}

void
cdi_disk_set_uuid (CdiDisk    *self,
                   const char *uuid)
{
  g_return_if_fail (CDI_IS_DISK (self));
  set_string (self, &self->uuid, uuid, PROP_UUID);
}

CdiPassphraseSource
cdi_disk_get_passphrase_source (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), CDI_PASSPHRASE_SOURCE_ASK);
  return self->passphrase_source;
}

void
cdi_disk_set_passphrase_source (CdiDisk             *self,
                                CdiPassphraseSource  source)
{
  g_return_if_fail (CDI_IS_DISK (self));
  set_int (self, (int *) &self->passphrase_source, (int) source, PROP_PASSPHRASE_SOURCE);
}

const char *
cdi_disk_get_password_command (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), NULL);
  return self->password_command;
}

void
cdi_disk_set_password_command (CdiDisk    *self,
                               const char *command)
{
  g_return_if_fail (CDI_IS_DISK (self));
  set_string (self, &self->password_command, command, PROP_PASSWORD_COMMAND);
}

CdiTristate
cdi_disk_get_close_on_lock (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), CDI_TRISTATE_DEFAULT);
  return self->close_on_lock;
}

void
cdi_disk_set_close_on_lock (CdiDisk     *self,
                            CdiTristate  value)
{
  g_return_if_fail (CDI_IS_DISK (self));
  set_int (self, (int *) &self->close_on_lock, (int) value, PROP_CLOSE_ON_LOCK);
}

CdiTristate
cdi_disk_get_close_on_suspend (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), CDI_TRISTATE_DEFAULT);
  return self->close_on_suspend;
}

void
cdi_disk_set_close_on_suspend (CdiDisk     *self,
                               CdiTristate  value)
{
  g_return_if_fail (CDI_IS_DISK (self));
  set_int (self, (int *) &self->close_on_suspend, (int) value, PROP_CLOSE_ON_SUSPEND);
}

CdiTristate
cdi_disk_get_close_on_logout (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), CDI_TRISTATE_DEFAULT);
  return self->close_on_logout;
}

void
cdi_disk_set_close_on_logout (CdiDisk     *self,
                              CdiTristate  value)
{
  g_return_if_fail (CDI_IS_DISK (self));
  set_int (self, (int *) &self->close_on_logout, (int) value, PROP_CLOSE_ON_LOGOUT);
}

/* Minutes of inactivity after which the disk closes; 0 never, CDI_DISK_IDLE_MINUTES_DEFAULT:
 * the GSettings default decides */
int
cdi_disk_get_close_when_idle_minutes (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), CDI_DISK_IDLE_MINUTES_DEFAULT);
  return self->close_when_idle_minutes;
}

void
cdi_disk_set_close_when_idle_minutes (CdiDisk *self,
                                      int      minutes)
{
  g_return_if_fail (CDI_IS_DISK (self));
  g_return_if_fail (minutes >= CDI_DISK_IDLE_MINUTES_DEFAULT);
  g_return_if_fail (minutes <= CDI_DISK_IDLE_MINUTES_MAX);
  set_int (self, &self->close_when_idle_minutes, minutes, PROP_CLOSE_WHEN_IDLE_MINUTES);
}

gboolean
cdi_disk_get_trim (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), TRUE);
  return self->trim;
}

void
cdi_disk_set_trim (CdiDisk  *self,
                   gboolean  trim)
{
  g_return_if_fail (CDI_IS_DISK (self));
  set_int (self, &self->trim, !!trim, PROP_TRIM);
}

/* The disk that a middle click on the tray icon opens or closes */
gboolean
cdi_disk_get_default (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), FALSE);
  return self->is_default;
}

void
cdi_disk_set_default (CdiDisk  *self,
                      gboolean  is_default)
{
  g_return_if_fail (CDI_IS_DISK (self));
  set_int (self, &self->is_default, !!is_default, PROP_DEFAULT);
}

/* The applet opens the disk when it starts, which it does at login through its autostart file */
gboolean
cdi_disk_get_open_at_login (CdiDisk *self)
{
  g_return_val_if_fail (CDI_IS_DISK (self), FALSE);
  return self->open_at_login;
}

void
cdi_disk_set_open_at_login (CdiDisk  *self,
                            gboolean  open_at_login)
{
  g_return_if_fail (CDI_IS_DISK (self));
  set_int (self, &self->open_at_login, !!open_at_login, PROP_OPEN_AT_LOGIN);
}
