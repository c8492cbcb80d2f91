/* cdi-indicator.c - the tray icon and its menu (the only user of libayatana-appindicator)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cdi-indicator.h"

#include <glib/gi18n.h>
#include <libayatana-appindicator/app-indicator.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/gdkx.h>
#endif

struct _CdiIndicator
{
  GObject parent_instance;

  CdiApplication *app;  /* not a reference: the application owns the indicator */
  AppIndicator *indicator;
  GtkWidget *menu;
  gboolean connected;   /* registered with a StatusNotifierWatcher */
};

G_DEFINE_FINAL_TYPE (CdiIndicator, cdi_indicator, G_TYPE_OBJECT)

/* The AppIndicator itself, subclassed for its XEmbed fallback. With no StatusNotifier host
 * but an XEmbed tray (_NET_SYSTEM_TRAY_S0), the library shows a GtkStatusIcon instead, and
 * there a left click only popped up the menu. Here it does what the middle click does (the
 * secondary-activate target: the default disk's entry), and pops up the menu only when there
 * is no such entry to use; the right click still pops up the menu, the middle click still
 * toggles. The icon is made here instead of by chaining up: the library's fallback calls
 * gtk_status_icon_set_name(), which unrealizes the already docked icon to change its
 * WM_CLASS, and GDK then logs a critical (gdk_window_thaw_toplevel_updates) on every start
 * in an XEmbed tray, fatal under G_DEBUG=fatal-criticals. GtkStatusIcon is deprecated, but
 * it is what XEmbed trays show, and what the library's own fallback uses. */
typedef struct
{
  AppIndicator parent_instance;

  GtkStatusIcon *status_icon;  /* the fallback's icon or NULL; the library holds its reference */
} CdiTrayItem;

typedef struct
{
  AppIndicatorClass parent_class;
} CdiTrayItemClass;

static GType cdi_tray_item_get_type (void);

G_DEFINE_FINAL_TYPE (CdiTrayItem, cdi_tray_item, APP_INDICATOR_TYPE)

#define CDI_TRAY_ITEM(o) (G_TYPE_CHECK_INSTANCE_CAST ((o), cdi_tray_item_get_type (), CdiTrayItem))

G_GNUC_BEGIN_IGNORE_DEPRECATIONS

/* What the middle click does over StatusNotifierItem (the library's SecondaryActivate):
 * activate the target if the menu can use it now; FALSE when there is none (no default
 * disk) or it is insensitive (the default disk is opening or closing) */
static gboolean
tray_item_secondary_activate (CdiTrayItem *self)
{
  GtkWidget *target = app_indicator_get_secondary_activate_target (APP_INDICATOR (self));

  if (target == NULL || !gtk_widget_get_visible (target) || !gtk_widget_is_sensitive (target))
    return FALSE;
  gtk_widget_activate (target);
  return TRUE;
}

static void
tray_item_popup_menu (CdiTrayItem *self)
{
  GtkMenu *menu = app_indicator_get_menu (APP_INDICATOR (self));

  /* Called from the icon's button (or key) press: that is the current event, and the menu
   * opens where it happened */
  if (menu != NULL)
    gtk_menu_popup_at_pointer (menu, /* trigger_event= */ NULL);
}

static void
status_icon_activate_cb (GtkStatusIcon *icon,
                         CdiTrayItem   *self)
{
  if (!tray_item_secondary_activate (self))
    tray_item_popup_menu (self);
}

static void
status_icon_popup_menu_cb (GtkStatusIcon *icon,
                           guint          button,
                           guint          activate_time,
                           CdiTrayItem   *self)
{
  tray_item_popup_menu (self);
}

static gboolean
status_icon_button_release_cb (GtkStatusIcon  *icon,
                               GdkEventButton *event,
                               CdiTrayItem    *self)
{
  if (event->button != GDK_BUTTON_MIDDLE)
    return GDK_EVENT_PROPAGATE;
  tray_item_secondary_activate (self);
  return GDK_EVENT_STOP;
}

/* The handlers that keep the library's own fallback icon current are not connected to this
 * one: it follows the indicator's icon and title (also shown as its tooltip) here */
static void
tray_item_sync_icon (CdiTrayItem *self)
{
  AppIndicator *indicator = APP_INDICATOR (self);

  if (self->status_icon == NULL)
    return;
  gtk_status_icon_set_from_icon_name (self->status_icon, app_indicator_get_icon (indicator));
  gtk_status_icon_set_title (self->status_icon, app_indicator_get_title (indicator));
  gtk_status_icon_set_tooltip_text (self->status_icon, app_indicator_get_title (indicator));
}

static GtkStatusIcon *
cdi_tray_item_fallback (AppIndicator *indicator)
{
  CdiTrayItem *self = CDI_TRAY_ITEM (indicator);

  self->status_icon = gtk_status_icon_new ();
  tray_item_sync_icon (self);
  g_signal_connect (self->status_icon, "activate", G_CALLBACK (status_icon_activate_cb), self);
  g_signal_connect (self->status_icon, "popup-menu", G_CALLBACK (status_icon_popup_menu_cb),
                    self);
  g_signal_connect (self->status_icon, "button-release-event",
                    G_CALLBACK (status_icon_button_release_cb), self);
  return self->status_icon;
}

/* A StatusNotifier host appeared, or the indicator goes away: the library hands the icon back */
static void
cdi_tray_item_unfallback (AppIndicator  *indicator,
                          GtkStatusIcon *status_icon)
{
  CdiTrayItem *self = CDI_TRAY_ITEM (indicator);

  g_signal_handlers_disconnect_by_data (status_icon, self);
  gtk_status_icon_set_visible (status_icon, FALSE);
  if (self->status_icon == status_icon)
    self->status_icon = NULL;
  g_object_unref (status_icon);
}

G_GNUC_END_IGNORE_DEPRECATIONS

static void
cdi_tray_item_class_init (CdiTrayItemClass *klass)
{
  APP_INDICATOR_CLASS (klass)->fallback = cdi_tray_item_fallback;
  APP_INDICATOR_CLASS (klass)->unfallback = cdi_tray_item_unfallback;
}

static void
cdi_tray_item_init (CdiTrayItem *self)
{
  g_signal_connect (self, APP_INDICATOR_SIGNAL_NEW_ICON, G_CALLBACK (tray_item_sync_icon), NULL);
  g_signal_connect (self, "notify::title", G_CALLBACK (tray_item_sync_icon), NULL);
}

/* The label of a disk's open/close entry; the name is the disk's own, so it is not marked */
char *
cdi_disk_row_dup_action_label (const CdiDiskRow *row)
{
  switch (row->state)
    {
    case CDI_DISK_STATE_OPENING:
      /* Translators: menu entry while a disk opens; %s is the disk's name */
      return g_strdup_printf (_("Opening %s…"), row->name);
    case CDI_DISK_STATE_CLOSING:
      /* Translators: menu entry while a disk closes; %s is the disk's name */
      return g_strdup_printf (_("Closing %s…"), row->name);
    case CDI_DISK_STATE_OPEN:
      /* Translators: menu entry; %s is the disk's name */
      return g_strdup_printf (_("Close %s"), row->name);
    case CDI_DISK_STATE_WAITING:
      /* Translators: menu entry of a disk that closes once programs let go; %s is its name */
      return g_strdup_printf (_("Close %s Now (Waiting for Programs)"), row->name);
    case CDI_DISK_STATE_CLOSED:
    default:
      /* Translators: menu entry; %s is the disk's name */
      return g_strdup_printf (_("Open %s"), row->name);
    }
}

/* The app action a disk's entry runs, or NULL when it cannot be used now */
const char *
cdi_disk_row_action_name (const CdiDiskRow *row)
{
  switch (row->state)
    {
    case CDI_DISK_STATE_CLOSED:
      return "open";
    case CDI_DISK_STATE_OPEN:
    case CDI_DISK_STATE_WAITING:
      return "close";
    case CDI_DISK_STATE_OPENING:
    case CDI_DISK_STATE_CLOSING:
    default:
      return NULL;
    }
}

static void
item_activated (GtkMenuItem *item,
                CdiIndicator *self)
{
  const char *action = g_object_get_data (G_OBJECT (item), "cdi-action");
  const char *target = g_object_get_data (G_OBJECT (item), "cdi-target");

  g_action_group_activate_action (G_ACTION_GROUP (self->app), action,
                                  target != NULL ? g_variant_new_string (target) : NULL);
}

static GtkWidget *
add_item (CdiIndicator *self,
          const char   *label,
          const char   *action,
          const char   *target)
{
  GtkWidget *item = gtk_menu_item_new_with_label (label);

  if (action != NULL)
    {
      g_object_set_data_full (G_OBJECT (item), "cdi-action", g_strdup (action), g_free);
      g_object_set_data_full (G_OBJECT (item), "cdi-target", g_strdup (target), g_free);
      g_signal_connect (item, "activate", G_CALLBACK (item_activated), self);
    }
  else
    gtk_widget_set_sensitive (item, FALSE);
  gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), item);
  return item;
}

static void
add_separator (CdiIndicator *self)
{
  gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), gtk_separator_menu_item_new ());
}

static void
update_icon (CdiIndicator *self,
             GPtrArray    *rows)
{
  guint open = 0, problems = 0;
  g_autofree char *title = NULL;
  const char *icon = APPLICATION_ID "-symbolic";
  GPtrArray *store_problems = cdi_disk_store_get_problems (cdi_application_get_store (self->app));

  for (guint i = 0; i < rows->len; i++)
    {
      CdiDiskRow *row = g_ptr_array_index (rows, i);

      if (row->state != CDI_DISK_STATE_CLOSED && row->state != CDI_DISK_STATE_OPENING)
        open++;
      if (row->state == CDI_DISK_STATE_WAITING)
        problems++;
    }
  if (store_problems != NULL)
    problems += store_problems->len;
  if (problems > 0)
    icon = APPLICATION_ID "-problem-symbolic";
  else if (open > 0)
    icon = APPLICATION_ID "-open-symbolic";

  if (problems > 0)
    /* Translators: tray icon title: open disks, all disks, and problems */
    title = g_strdup_printf (_("Encrypted Disks: %u of %u open, %u need attention"),
                             open, rows->len, problems);
  else
    /* Translators: tray icon title: open disks, all disks */
    title = g_strdup_printf (_("Encrypted Disks: %u of %u open"), open, rows->len);
  app_indicator_set_icon_full (self->indicator, icon, title);
  app_indicator_set_title (self->indicator, title);
}

static void
rebuild (CdiIndicator *self)
{
  g_autoptr(GPtrArray) rows = cdi_application_get_rows (self->app);
  GtkWidget *default_item = NULL;

  self->menu = gtk_menu_new ();
  for (guint i = 0; i < rows->len; i++)
    {
      CdiDiskRow *row = g_ptr_array_index (rows, i);
      g_autofree char *label = cdi_disk_row_dup_action_label (row);
      /* Translators: menu entry; %s is the disk's name */
      g_autofree char *properties = g_strdup_printf (_("Properties of %s…"), row->name);
      GtkWidget *item = add_item (self, label, cdi_disk_row_action_name (row), row->name);

      if (row->is_default)
        default_item = item;
      if (row->state == CDI_DISK_STATE_OPEN || row->state == CDI_DISK_STATE_WAITING)
        {
          add_item (self, _("Show Files"), "show-files", row->name);
          if (row->space != NULL)
            add_item (self, row->space, NULL, NULL);
        }
      add_item (self, properties, "properties", row->name);
    }
  if (rows->len == 0)
    add_item (self, _("No encrypted disks yet"), NULL, NULL);
  add_separator (self);
  add_item (self, _("Close All"), "close-all", NULL);
  add_item (self, _("New Encrypted Disk…"), "new-disk", NULL);
  add_item (self, _("Add Existing Image…"), "add-existing", NULL);
  add_separator (self);
  add_item (self, _("Preferences"), "preferences", NULL);
  add_item (self, _("Quit"), "quit", NULL);
  gtk_widget_show_all (self->menu);

  /* The indicator takes the menu over and drops the previous one, whose entries the old
   * middle-click target was one of: let go of it first */
  app_indicator_set_secondary_activate_target (self->indicator, NULL);
  app_indicator_set_menu (self->indicator, GTK_MENU (self->menu));
  app_indicator_set_secondary_activate_target (self->indicator, default_item);
  update_icon (self, rows);
}

static void
connection_changed_cb (AppIndicator *indicator,
                       gboolean      connected,
                       CdiIndicator *self)
{
  self->connected = connected;
  g_debug ("StatusNotifierWatcher %s", connected ? "connected" : "gone");
}

/* TRUE when some tray shows the icon: a StatusNotifier host, or an XEmbed tray for the
 * indicator's own GtkStatusIcon fallback */
gboolean
cdi_indicator_is_visible (CdiIndicator *self)
{
#ifdef GDK_WINDOWING_X11
  GdkDisplay *display = gdk_display_get_default ();
#endif

  if (self->connected)
    return TRUE;
#ifdef GDK_WINDOWING_X11
  if (GDK_IS_X11_DISPLAY (display))
    {
      Display *xdisplay = GDK_DISPLAY_XDISPLAY (display);
      int screen = XDefaultScreen (xdisplay);
      g_autofree char *name = g_strdup_printf ("_NET_SYSTEM_TRAY_S%d", screen);

      return XGetSelectionOwner (xdisplay, XInternAtom (xdisplay, name, False)) != None;
    }
#endif
  return FALSE;
}

/* Shows the menu where the pointer is: for a keyboard shortcut, and for screenshots in tests */
void
cdi_indicator_popup_menu (CdiIndicator *self)
{
  GdkRectangle where = { 400, 30, 1, 1 };

  /* No trigger event here (an action, not a click): anchor to the root window's top */
  gtk_menu_popup_at_rect (GTK_MENU (self->menu), gdk_get_default_root_window (), &where,
                          GDK_GRAVITY_SOUTH_WEST, GDK_GRAVITY_NORTH_WEST, NULL);
}

static void
cdi_indicator_dispose (GObject *object)
{
  CdiIndicator *self = CDI_INDICATOR (object);

  g_clear_object (&self->indicator);
  G_OBJECT_CLASS (cdi_indicator_parent_class)->dispose (object);
}

static void
cdi_indicator_class_init (CdiIndicatorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cdi_indicator_dispose;
}

static void
cdi_indicator_init (CdiIndicator *self)
{
}

CdiIndicator *
cdi_indicator_new (CdiApplication *app)
{
  CdiIndicator *self = g_object_new (CDI_TYPE_INDICATOR, NULL);

  self->app = app;
  /* app_indicator_new() with the subclass; the category is the enum's nick */
  self->indicator = g_object_new (cdi_tray_item_get_type (),
                                  "id", APPLICATION_ID,
                                  "category", "ApplicationStatus",
                                  "icon-name", APPLICATION_ID "-symbolic",
                                  NULL);
  app_indicator_set_status (self->indicator, APP_INDICATOR_STATUS_ACTIVE);
  g_signal_connect (self->indicator, "connection-changed", G_CALLBACK (connection_changed_cb),
                    self);
  g_signal_connect_object (app, "rows-changed", G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
  rebuild (self);
  return self;
}
