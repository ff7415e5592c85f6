; Inno Setup script: the Windows installer of the frozen program (dist\passsport-club, made
; by build.spec). Per user: no administrator rights, installed in the user's own programs
; folder, a Start menu entry, an uninstaller in "Applications installées". The club's data is
; elsewhere (the user's application data folder): uninstalling never deletes it.
; Built by .github/workflows/build.yml from the repository's root:
;   iscc /DAppVersion=0.1.0 packaging\windows\passsport-club.iss
; which writes dist\passsport-club-0.1.0-setup.exe.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
; The same AppId in every version: a new installer replaces the old one in place.
AppId={{AB9E26B3-5A97-4301-902B-65A9706AB390}
AppName=pass'Sport Club
AppVersion={#AppVersion}
AppVerName=pass'Sport Club {#AppVersion}
AppPublisher=pass'Sport Club
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\passsport-club
DisableDirPage=yes
DisableProgramGroupPage=yes
DisableWelcomePage=no
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=passsport-club-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
UninstallDisplayName=pass'Sport Club
UninstallDisplayIcon={app}\passsport-club.exe
; The program open during an update or an uninstall: Windows is asked to close it first.
CloseApplications=yes

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\passsport-club\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An update leaves no file of the previous version beside the new one.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\pass'Sport Club"; Filename: "{app}\passsport-club.exe"; Comment: "Valider les pass'Sport au guichet du club"
Name: "{autodesktop}\pass'Sport Club"; Filename: "{app}\passsport-club.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\passsport-club.exe"; Description: "{cm:LaunchProgram,pass'Sport Club}"; Flags: nowait postinstall skipifsilent
